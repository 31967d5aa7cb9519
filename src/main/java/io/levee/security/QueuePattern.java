package io.levee.security;

import java.util.regex.Pattern;

/**
 * A queue name or a glob of queue names ({@code orders-*}, {@code *}). {@code *} matches only characters a queue
 * name may hold, so a pattern never matches a path segment that no queue could have.
 */
public record QueuePattern(String glob) {

    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_*-]{1,100}");

    public QueuePattern {
        if (!GLOB.matcher(glob).matches()) {
            throw new IllegalArgumentException(
                    "a queue pattern holds letters, digits, '-', '_' and '*', at most 100 characters");
        }
    }

    /** Whether the queue of that name matches. */
    public boolean matches(String queue) {
        return matches(glob, 0, queue, 0);
    }

    private static boolean matches(String glob, int g, String queue, int q) {
        while (g < glob.length()) {
            char c = glob.charAt(g);
            if (c == '*') {
                for (int end = q; end <= queue.length(); end++) {
                    if (matches(glob, g + 1, queue, end)) {
                        return true;
                    }
                    if (end < queue.length() && !nameChar(queue.charAt(end))) {
                        return false;
                    }
                }
                return false;
            }
            if (q >= queue.length() || queue.charAt(q) != c) {
                return false;
            }
            g++;
            q++;
        }
        return q == queue.length();
    }

    private static boolean nameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    @Override
    public String toString() {
        return glob;
    }
}
