package io.levee.observability;

import jakarta.ws.rs.client.WebTarget;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of {@code /metrics} in Prometheus text, and the value of a series in it. */
record Scrape(String text) {

    private static final Pattern SERIES =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Reads the application scope's metrics. */
    static Scrape of(WebTarget target) {
        return new Scrape(target.path("/metrics")
                .queryParam("scope", "application")
                .request("text/plain")
                .get(String.class));
    }

    /** Reads the base scope's metrics, where MicroProfile Fault Tolerance's {@code ft.*} are. */
    static Scrape base(WebTarget target) {
        return new Scrape(target.path("/metrics")
                .queryParam("scope", "base")
                .request("text/plain")
                .get(String.class));
    }

    /** The value of the series of that name whose labels include these; 0 when there is none. */
    double value(String name, Map<String, String> labels) {
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new java.util.HashMap<>();
            Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
            while (l.find()) {
                found.put(l.group(1), l.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                return Double.parseDouble(m.group(4));
            }
        }
        return 0;
    }

    /** The value for one queue. */
    double queue(String name, String queue) {
        return value(name, Map.of("queue", queue));
    }

    /** Whether a series of that name exists at all. */
    boolean has(String name) {
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
