package io.levee.config;

import io.levee.LeveeException;

/**
 * A configuration value that Levee cannot run with. The message is one line naming the key, the value and what is
 * allowed, so that a failed start tells the operator exactly what to change.
 */
public final class InvalidConfigurationException extends LeveeException {

    public InvalidConfigurationException(String key, Object value, String allowed) {
        super("Invalid configuration: " + key + " = '" + value + "'; allowed: " + allowed);
    }
}
