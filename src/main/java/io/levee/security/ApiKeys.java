package io.levee.security;

import io.levee.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The API keys of {@code levee.auth.api-keys-file}: one key per line,
 * {@code <name> <sha-256 of the key, hex> <roles, comma-separated> [<queue patterns, comma-separated>]}; blank lines
 * and lines starting with {@code #} are skipped. The file is checked for changes at most once a second and re-read
 * when it changed (a Kubernetes Secret update swaps it); a file that no longer parses keeps the previous keys and is
 * logged by line number, never by content. Keys are compared by their SHA-256 against every entry in constant time.
 */
final class ApiKeys implements Authenticator {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern COMMA = Pattern.compile(",");
    private static final long CHECK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    /** One key: its name, the digest of its secret, what it may do. */
    @SuppressWarnings("ArrayRecordComponent")
    record Entry(String name, byte[] digest, Set<AccessRole> roles, List<QueuePattern> queues) {}

    private record Snapshot(List<Entry> entries, Object fileKey, long modified, long size) {}

    private final Path file;
    private final LongSupplier nanoTime;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile Snapshot snapshot;
    private volatile long checkedAt;

    ApiKeys(Path file, LongSupplier nanoTime) {
        this.file = file;
        this.nanoTime = nanoTime;
        try {
            this.snapshot = read();
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    "levee.auth.api-keys-file",
                    file,
                    "a readable API key file (" + e.getClass().getSimpleName() + ")");
        }
        this.checkedAt = nanoTime.getAsLong();
        LOG.info(() -> "API keys: " + snapshot.entries().size() + " loaded from " + file);
    }

    /** The identity of the presented key, if it is one of the file's keys. */
    @Override
    public Optional<Identity> authenticate(String presented) {
        byte[] digest = sha256(presented);
        Entry found = null;
        // Every entry is compared, and each comparison takes the same time, so timing tells nothing about the keys.
        for (Entry e : current()) {
            if (MessageDigest.isEqual(e.digest(), digest) && found == null) {
                found = e;
            }
        }
        return Optional.ofNullable(found).map(e -> new Identity("key", e.name(), e.roles(), e.queues()));
    }

    /** The entries, re-read first when the file changed since the last check (at most one check a second). */
    List<Entry> current() {
        long now = nanoTime.getAsLong();
        if (now - checkedAt >= CHECK_INTERVAL_NANOS && reloading.tryLock()) {
            try {
                checkedAt = now;
                reloadIfChanged();
            } finally {
                reloading.unlock();
            }
        }
        return snapshot.entries();
    }

    private void reloadIfChanged() {
        Snapshot old = snapshot;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (Objects.equals(a.fileKey(), old.fileKey())
                    && a.lastModifiedTime().toMillis() == old.modified()
                    && a.size() == old.size()) {
                return;
            }
            snapshot = read();
            LOG.info(() -> "API keys: " + snapshot.entries().size() + " reloaded from " + file);
        } catch (IOException | InvalidConfigurationException e) {
            LOG.warning("API keys: " + file + " could not be reloaded (" + e.getMessage() + "); keeping the previous "
                    + old.entries().size() + " keys");
        }
    }

    private Snapshot read() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return new Snapshot(parse(lines), a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
    }

    /** Parses the file's lines; a bad line is refused by number and field, never echoing its content. */
    static List<Entry> parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "line " + (i + 1);
            String[] f = WHITESPACE.split(line, -1);
            if (f.length < 3 || f.length > 4) {
                throw bad(where, "<name> <sha-256 hex> <roles> [<queue patterns>], separated by spaces");
            }
            if (!NAME.matcher(f[0]).matches()) {
                throw bad(where, "a name of letters, digits, '.', '_', '@' and '-', at most 128 characters");
            }
            if (!names.add(f[0])) {
                throw bad(where, "a name not used by an earlier line");
            }
            if (!SHA256.matcher(f[1]).matches()) {
                throw bad(where, "the key's SHA-256 as 64 hex digits (sha256sum of the key)");
            }
            Set<AccessRole> roles = EnumSet.noneOf(AccessRole.class);
            for (String r : COMMA.split(f[2], -1)) {
                roles.add(AccessRole.named(r).orElseThrow(() -> bad(where, "roles among submit, read, operate")));
            }
            List<QueuePattern> queues = new ArrayList<>();
            if (f.length == 4) {
                for (String q : COMMA.split(f[3], -1)) {
                    try {
                        queues.add(new QueuePattern(q));
                    } catch (IllegalArgumentException e) {
                        throw bad(where, e.getMessage());
                    }
                }
                if (queues.isEmpty()) {
                    throw bad(where, "queue patterns separated by commas");
                }
            }
            entries.add(
                    new Entry(f[0], HexFormat.of().parseHex(f[1].toLowerCase(java.util.Locale.ROOT)), roles, queues));
        }
        return List.copyOf(entries);
    }

    private static InvalidConfigurationException bad(String where, String allowed) {
        return new InvalidConfigurationException("levee.auth.api-keys-file", where, allowed);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
