package io.levee.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/** Typed reads from MicroProfile Config; every rejection names the key, the value and what is allowed. */
final class Settings {

    private static final java.util.regex.Pattern COMMA = java.util.regex.Pattern.compile(",");

    private final Config config;

    Settings(Config config) {
        this.config = config;
    }

    String string(String key, String defaultValue) {
        return config.getOptionalValue(key, String.class).map(String::trim).orElse(defaultValue);
    }

    Optional<String> optionalString(String key) {
        return Optional.ofNullable(string(key, null)).filter(v -> !v.isEmpty());
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|kb|k|mib|mb|m)", Pattern.CASE_INSENSITIVE);

    /** A size in bytes, written as a number with an optional binary unit: {@code 262144}, {@code 256KiB}, {@code 4MiB}. */
    long size(String key, String defaultValue, long min, long max) {
        String raw = string(key, defaultValue);
        String allowed = "a size from " + min + " to " + max + " bytes, such as 262144, 256KiB or 4MiB";
        Matcher m = SIZE.matcher(raw.replace("_", ""));
        if (!m.matches()) {
            throw new InvalidConfigurationException(key, raw, allowed);
        }
        long shift =
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "kib", "kb", "k" -> 10;
                    case "mib", "mb", "m" -> 20;
                    default -> 0;
                };
        try {
            long value = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
            if (value < min || value > max) {
                throw new InvalidConfigurationException(key, raw, allowed);
            }
            return value;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidConfigurationException(key, raw, allowed);
        }
    }

    /** An optional URI with one of the given schemes and a host. */
    Optional<URI> optionalUri(String key, String... schemes) {
        Optional<String> raw = optionalString(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String allowed = "a URI with scheme " + String.join(" or ", schemes) + " and a host, such as " + schemes[0]
                + "://127.0.0.1:6379";
        try {
            URI uri = new URI(raw.get());
            if (uri.getHost() == null || !Arrays.asList(schemes).contains(uri.getScheme())) {
                throw new InvalidConfigurationException(key, withoutPassword(raw.get()), allowed);
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidConfigurationException(key, withoutPassword(raw.get()), allowed);
        }
    }

    boolean bool(String key, boolean defaultValue) {
        String raw = string(key, null);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigurationException(key, raw, "true or false");
        };
    }

    int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    long longValue(String key, long defaultValue, long min, long max) {
        String raw = string(key, null);
        String allowed = "a whole number from " + min + " to " + max;
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.replace("_", ""));
            if (value < min || value > max) {
                throw new InvalidConfigurationException(key, raw, allowed);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(key, raw, allowed);
        }
    }

    Duration duration(String key, String defaultValue) {
        return parseDuration(key, string(key, defaultValue));
    }

    /** A duration that may be zero ({@code 0} or {@code 0s}), e.g. to switch a feature off. */
    Duration durationOrZero(String key, String defaultValue) {
        String raw = string(key, defaultValue);
        Duration d = raw.equals("0") ? Duration.ZERO : Durations.parse(raw);
        if (d == null || d.isNegative()) {
            throw new InvalidConfigurationException(key, raw, "a duration such as 0, 30s, 12h or 7d");
        }
        return d;
    }

    List<Duration> durations(String key, String defaultValue) {
        String raw = string(key, defaultValue);
        List<Duration> result = new ArrayList<>();
        if (!raw.isBlank()) {
            for (String part : COMMA.split(raw, -1)) {
                result.add(parseDuration(key, part));
            }
        }
        return result;
    }

    private static Duration parseDuration(String key, String raw) {
        Duration d = Durations.parse(raw);
        if (d == null || d.isNegative() || d.isZero()) {
            throw new InvalidConfigurationException(
                    key, raw.trim(), "a positive duration such as 500ms, 5s, 1m or PT5S");
        }
        return d;
    }

    URI uri(String key, String defaultValue) {
        String raw = string(key, defaultValue);
        String allowed = "an amqp:// or amqps:// URI such as amqp://user:pass@host:5672/vhost";
        try {
            URI uri = new URI(raw);
            boolean amqp = "amqp".equals(uri.getScheme()) || "amqps".equals(uri.getScheme());
            if (!amqp || uri.getHost() == null) {
                throw new InvalidConfigurationException(key, withoutPassword(raw), allowed);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new InvalidConfigurationException(key, withoutPassword(raw), allowed);
        }
    }

    /**
     * A URI as written, with everything between the user name and the last {@code @} of its authority hidden: what a
     * refusal may print. Works on text that does not parse as a URI too (a password holding {@code #}, {@code /} or
     * {@code %} is exactly what makes a URI unparseable).
     */
    static String withoutPassword(String raw) {
        int scheme = raw.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = raw.lastIndexOf('@');
        if (at < start) {
            return raw;
        }
        String userinfo = raw.substring(start, at);
        int colon = userinfo.indexOf(':');
        String user = colon < 0 ? "" : userinfo.substring(0, colon);
        return raw.substring(0, start) + user + ":***" + raw.substring(at);
    }

    <E extends Enum<E>> E oneOf(String key, Class<E> type, E defaultValue) {
        String raw = string(key, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new InvalidConfigurationException(key, raw, allowed);
        }
    }
}
