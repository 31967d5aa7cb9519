package io.levee.admin;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Task statuses in this replica's memory: right for a single replica ({@code levee.role=all}), where the gateway
 * and the worker are one process. Beyond {@code levee.state.max-entries} the oldest tasks' statuses are forgotten
 * first (logged at most once a minute), so the tasks a client just submitted always have one; a status past its TTL
 * reads as unknown.
 *
 * <p>The statuses are held in flat arrays, one slot per task in the order the tasks were first recorded, not as an
 * object per task. A busy gateway records thousands of statuses a second and each lives until
 * {@code max-entries} newer tasks have come: seconds, long enough to survive several young collections and be
 * promoted, short enough to die in the old generation. With a map entry and a field map per task that churn cost
 * the gateway as much CPU per request as its HTTP parsing (docs/benchmarks.md, "Task status in flat arrays"). Here
 * an id in the form Levee gives it (a lower-case UUID) is two longs, the state a code, the times and the attempt
 * count numbers; only other fields (errors, results) and other ids are objects.
 */
final class InMemoryTaskStatusStore implements TaskStatusStore {

    private static final Logger LOG = Logger.getLogger(InMemoryTaskStatusStore.class.getName());
    private static final long WARN_EVERY_MS = 60_000;
    private static final int FIRST_CAPACITY = 1024;

    private static final String STATE = "state";
    private static final List<String> STATES = List.of(
            TaskStatusRecorder.ACCEPTED,
            TaskStatusRecorder.PROCESSING,
            TaskStatusRecorder.RETRYING,
            TaskStatusRecorder.SUCCEEDED,
            TaskStatusRecorder.DEAD);
    /** Fields the recorder writes as decimal numbers, held as longs. */
    private static final List<String> NUMBERS =
            List.of("attempts", "acceptedAt", "updatedAt", "startedAt", "finishedAt");

    private static final int STATE_BIT = 1 << NUMBERS.size();

    private final Clock clock;
    private final int maxEntries;
    private final Map<String, Integer> queueIndex = new HashMap<>();

    private long[] idHigh = new long[0];
    private long[] idLow = new long[0];
    /** The id of a slot whose id is not a lower-case UUID; null otherwise. */
    private String[] otherId = new String[0];

    private int[] queueOf = new int[0];
    private int[] hashOf = new int[0];
    private int[] rank = new int[0];
    private long[] expiresAt = new long[0];
    /** Bit i: {@code NUMBERS.get(i)} is set; {@link #STATE_BIT}: the state is set. */
    private int[] present = new int[0];

    private byte[] state = new byte[0];
    private long[] numbers = new long[0];
    /** Fields that are neither the state nor a number, per slot; null when there are none. */
    private Object[] others = new Object[0];
    /** Open addressing with linear probing: slot + 1, 0 where empty; at most half full. */
    private int[] table = new int[0];

    private int used;
    /** Once every slot up to max-entries is used: the slot of the oldest task, the next to be forgotten. */
    private int oldest;

    private long nextWarning = Long.MIN_VALUE;

    InMemoryTaskStatusStore(Clock clock, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("levee.state.max-entries must be at least 1, was " + maxEntries);
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    @Override
    public void record(Update u) {
        long now = clock.millis();
        long expires = now + u.ttl().toMillis();
        Key key = Key.of(u.id());
        synchronized (this) {
            int queue = queueIndex.computeIfAbsent(u.queue(), q -> queueIndex.size());
            int hash = key.hash(queue);
            int s = find(queue, key, hash);
            if (s < 0) {
                s = newSlot(now);
                link(s, queue, key, hash);
                clear(s, u.rank(), expires);
                put(s, u.fields(), true);
            } else if (expiresAt[s] <= now) {
                clear(s, u.rank(), expires);
                put(s, u.fields(), true);
            } else if (u.rank() >= rank[s]) {
                rank[s] = u.rank();
                expiresAt[s] = expires;
                put(s, u.fields(), true);
            } else {
                expiresAt[s] = Math.max(expires, expiresAt[s]);
                put(s, u.fields(), false);
            }
        }
    }

    @Override
    public Optional<Map<String, String>> read(String queue, String id) {
        long now = clock.millis();
        Key key = Key.of(id);
        synchronized (this) {
            Integer q = queueIndex.get(queue);
            int s = q == null ? -1 : find(q, key, key.hash(q));
            if (s < 0 || expiresAt[s] <= now) {
                return Optional.empty();
            }
            Map<String, String> fields = new HashMap<>();
            if ((present[s] & STATE_BIT) != 0) {
                fields.put(STATE, STATES.get(state[s]));
            }
            for (int i = 0; i < NUMBERS.size(); i++) {
                if ((present[s] & (1 << i)) != 0) {
                    fields.put(NUMBERS.get(i), Long.toString(numbers[s * NUMBERS.size() + i]));
                }
            }
            if (others[s] != null) {
                fields.putAll(othersOf(s));
            }
            return Optional.of(fields);
        }
    }

    @Override
    public synchronized void close() {
        queueIndex.clear();
        Arrays.fill(table, 0);
        Arrays.fill(otherId, null);
        Arrays.fill(others, null);
        used = 0;
        oldest = 0;
    }

    /** Sets the fields, or with {@code overwrite} false only those the slot does not have yet. */
    private void put(int s, Map<String, String> fields, boolean overwrite) {
        fields.forEach((name, value) -> {
            if (!overwrite && has(s, name)) {
                return;
            }
            int code = STATE.equals(name) ? STATES.indexOf(value) : -1;
            int number = NUMBERS.indexOf(name);
            long parsed = number >= 0 ? decimal(value) : -1;
            if (code >= 0) {
                state[s] = (byte) code;
                present[s] |= STATE_BIT;
                removeOther(s, name);
            } else if (parsed >= 0) {
                numbers[s * NUMBERS.size() + number] = parsed;
                present[s] |= 1 << number;
                removeOther(s, name);
            } else {
                present[s] &= ~bit(name);
                if (others[s] == null) {
                    others[s] = new HashMap<String, String>(4);
                }
                othersOf(s).put(name, value);
            }
        });
    }

    private boolean has(int s, String name) {
        return (present[s] & bit(name)) != 0
                || (others[s] != null && othersOf(s).containsKey(name));
    }

    private static int bit(String name) {
        int number = NUMBERS.indexOf(name);
        return number >= 0 ? 1 << number : STATE.equals(name) ? STATE_BIT : 0;
    }

    private void removeOther(int s, String name) {
        if (others[s] != null) {
            othersOf(s).remove(name);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> othersOf(int s) {
        return (Map<String, String>) others[s];
    }

    /** A non-negative decimal without leading zeros (as {@link Long#toString} writes it), else -1. */
    private static long decimal(String v) {
        int n = v.length();
        if (n == 0 || n > 18 || (n > 1 && v.charAt(0) == '0')) {
            return -1;
        }
        long x = 0;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            x = x * 10 + (c - '0');
        }
        return x;
    }

    private void clear(int s, int newRank, long expires) {
        rank[s] = newRank;
        expiresAt[s] = expires;
        present[s] = 0;
        others[s] = null;
    }

    /** A slot for a new task: the next unused one, or the oldest task's, which is forgotten. */
    private int newSlot(long now) {
        if (used < maxEntries) {
            if (used == idHigh.length) {
                grow(Math.min(maxEntries, Math.max(FIRST_CAPACITY, used * 2)));
            }
            return used++;
        }
        int s = oldest;
        oldest = (oldest + 1) % maxEntries;
        unlink(s);
        if (expiresAt[s] > now && now >= nextWarning) {
            nextWarning = now + WARN_EVERY_MS;
            LOG.warning("task status holds levee.state.max-entries=" + maxEntries + " tasks; the oldest are"
                    + " forgotten first (levee.state.redis-uri keeps every status for its TTL)");
        }
        return s;
    }

    private void grow(int capacity) {
        idHigh = Arrays.copyOf(idHigh, capacity);
        idLow = Arrays.copyOf(idLow, capacity);
        otherId = Arrays.copyOf(otherId, capacity);
        queueOf = Arrays.copyOf(queueOf, capacity);
        hashOf = Arrays.copyOf(hashOf, capacity);
        rank = Arrays.copyOf(rank, capacity);
        expiresAt = Arrays.copyOf(expiresAt, capacity);
        present = Arrays.copyOf(present, capacity);
        state = Arrays.copyOf(state, capacity);
        numbers = Arrays.copyOf(numbers, capacity * NUMBERS.size());
        others = Arrays.copyOf(others, capacity);
        table = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
        for (int s = 0; s < used; s++) {
            int i = hashOf[s] & (table.length - 1);
            while (table[i] != 0) {
                i = (i + 1) & (table.length - 1);
            }
            table[i] = s + 1;
        }
    }

    private int find(int queue, Key key, int hash) {
        int mask = table.length - 1;
        for (int i = hash & mask; table.length > 0; i = (i + 1) & mask) {
            int s = table[i] - 1;
            if (s < 0) {
                return -1;
            }
            if (hashOf[s] == hash && queueOf[s] == queue && key.is(idHigh[s], idLow[s], otherId[s])) {
                return s;
            }
        }
        return -1;
    }

    private void link(int s, int queue, Key key, int hash) {
        idHigh[s] = key.high();
        idLow[s] = key.low();
        otherId[s] = key.other();
        queueOf[s] = queue;
        hashOf[s] = hash;
        int mask = table.length - 1;
        int i = hash & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = s + 1;
    }

    /** Removes a slot from the table, moving later entries of its probe run back (no tombstones). */
    private void unlink(int s) {
        int mask = table.length - 1;
        int hole = hashOf[s] & mask;
        while (table[hole] != s + 1) {
            hole = (hole + 1) & mask;
        }
        for (int i = (hole + 1) & mask; table[i] != 0; i = (i + 1) & mask) {
            int home = hashOf[table[i] - 1] & mask;
            boolean staysPut = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!staysPut) {
                table[hole] = table[i];
                hole = i;
            }
        }
        table[hole] = 0;
        otherId[s] = null;
        others[s] = null;
    }

    /** A task id: a lower-case UUID as two longs, any other id as itself. */
    private record Key(long high, long low, String other) {

        static Key of(String id) {
            if (id.length() == 36
                    && id.charAt(8) == '-'
                    && id.charAt(13) == '-'
                    && id.charAt(18) == '-'
                    && id.charAt(23) == '-') {
                long a = hex(id, 0, 8);
                long b = hex(id, 9, 13);
                long c = hex(id, 14, 18);
                long d = hex(id, 19, 23);
                long e = hex(id, 24, 36);
                if ((a | b | c | d | e) >= 0) {
                    return new Key(a << 32 | b << 16 | c, d << 48 | e, null);
                }
            }
            return new Key(0, 0, id);
        }

        /** The lower-case hexadecimal number in {@code s[from, to)}, or -1. */
        private static long hex(String s, int from, int to) {
            long x = 0;
            for (int i = from; i < to; i++) {
                char ch = s.charAt(i);
                int digit = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
                if (digit < 0) {
                    return -1;
                }
                x = x << 4 | digit;
            }
            return x;
        }

        int hash(int queue) {
            long h = other == null ? high * 0x9E3779B97F4A7C15L ^ low : other.hashCode() * 0x9E3779B97F4A7C15L;
            h ^= queue * 0xC2B2AE3D27D4EB4FL;
            h ^= h >>> 29;
            h *= 0xBF58476D1CE4E5B9L;
            return (int) (h ^ h >>> 32);
        }

        boolean is(long slotHigh, long slotLow, String slotOther) {
            return other == null ? slotOther == null && slotHigh == high && slotLow == low : other.equals(slotOther);
        }
    }
}
