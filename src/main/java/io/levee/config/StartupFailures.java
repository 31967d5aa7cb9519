package io.levee.config;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import java.io.PrintStream;
import java.util.Optional;

/**
 * Prints a configuration refusal that ends startup as the one line it is, instead of a container stack trace:
 * the operator reads which key to change, and nothing else. Any other uncaught failure is printed as before.
 */
public final class StartupFailures implements Extension {

    /** Installs the handler as the container starts, before any configuration is read. */
    void beforeDiscovery(@Observes BeforeBeanDiscovery event) {
        install();
    }

    /** Installs the JVM's default uncaught-exception handler (idempotent). */
    public static synchronized void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        if (previous instanceof Handler) {
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler(new Handler(previous, System.err));
    }

    /** The configuration refusal somewhere in a failure's causes or suppressed exceptions, if there is one. */
    static Optional<RuntimeException> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationException || t instanceof AuthSettings.MissingCredentialsException) {
                return Optional.of((RuntimeException) t);
            }
            for (Throwable s : t.getSuppressed()) {
                Optional<RuntimeException> r = refusal(s);
                if (r.isPresent()) {
                    return r;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    private record Handler(Thread.UncaughtExceptionHandler previous, PrintStream err)
            implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread thread, Throwable e) {
            Optional<RuntimeException> refusal = refusal(e);
            if (refusal.isPresent()) {
                err.println("Levee cannot start. " + refusal.get().getMessage());
            } else if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(err);
            }
        }
    }
}
