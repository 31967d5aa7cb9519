package io.levee.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * Reads and checks task bodies: size limits (before and after gzip decoding, so a gzip bomb stops at the limit),
 * media type, and strict JSON (one value, no duplicate keys, UTF-8). Every refusal is a {@link ProblemException}.
 */
final class TaskBodies {

    /** Strict JSON: duplicate keys are an error, so a task never means two things to two consumers. */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    /**
     * The largest declared length read into an array of that size before the body arrives; a larger body grows as
     * its bytes come, so a client that announces much and sends little makes Levee hold little.
     */
    static final int PREALLOCATED_MAX = 8 * 1024;

    private TaskBodies() {}

    /** Refuses anything but {@code application/json} or {@code application/*+json} in UTF-8. */
    static void requireJsonMediaType(String contentType) {
        if (contentType == null) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        if (contentType.equalsIgnoreCase("application/json")) {
            // What nearly every request sends; the general parse below costs more than the rest of the check.
            return;
        }
        MediaType type;
        try {
            type = MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE, "unparseable Content-Type '" + contentType + "'");
        }
        boolean json = "application".equals(type.getType())
                && ("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"));
        String charset = type.getParameters().get("charset");
        if (!json || (charset != null && !"utf-8".equalsIgnoreCase(charset))) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json in UTF-8, was '" + contentType + "'");
        }
    }

    /**
     * The body's bytes, gzip-decoded when so encoded, refused with 413 beyond {@code limit} bytes at either stage.
     *
     * @param contentLength the declared length, or null; a declared length over the limit is refused unread
     */
    static byte[] read(InputStream in, String contentEncoding, String contentLength, long limit) {
        long declared = -1;
        if (contentLength != null && !contentLength.isBlank()) {
            try {
                declared = Long.parseLong(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new ProblemException(ProblemType.INVALID_REQUEST, "Content-Length is not a number");
            }
            if (declared > limit) {
                throw tooLarge(limit);
            }
        }
        String encoding =
                contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (!List.of("identity", "", "gzip", "x-gzip").contains(encoding)) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Encoding '" + contentEncoding + "' is not supported; use gzip or none");
        }
        // A gzip body arrives already decoding (GzipRequestDecoding): the limit below counts decoded bytes.
        try {
            // Unencoded with a declared length (nearly every request): read into an array of exactly that size.
            boolean identity = encoding.equals("identity") || encoding.isEmpty();
            return identity && declared >= 0 && declared <= Integer.MAX_VALUE - 8
                    ? readDeclared(in, (int) declared, limit)
                    : readLimited(in, limit);
        } catch (ZipException | EOFException e) {
            throw new ProblemException(
                    ProblemType.INVALID_CONTENT_ENCODING, "the body is not valid " + encoding + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "the body could not be read: " + e.getMessage());
        }
    }

    /** Reads at most {@code limit} bytes; one byte more is a 413, so a large or endless body is never held whole. */
    private static byte[] readLimited(InputStream in, long limit) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (data.length > limit) {
            throw tooLarge(limit);
        }
        return data;
    }

    /**
     * Reads a body of a declared length (at most the limit): a small one into an array of exactly that size, without
     * the growing buffers of an unknown one; a larger one as its bytes arrive.
     */
    private static byte[] readDeclared(InputStream in, int length, long limit) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        byte[] data;
        int n;
        if (length <= PREALLOCATED_MAX) {
            data = new byte[length];
            n = in.readNBytes(data, 0, length);
        } else {
            data = in.readNBytes(length);
            n = data.length;
        }
        if (n < length) {
            // Not an EOFException: that is a broken gzip stream's, answered as an encoding error.
            throw new IOException("the body ended after " + n + " of the " + length + " bytes declared");
        }
        if (in.read() != -1) {
            // More than declared: never from a well-behaved HTTP/1.1 stream, refused like any body over its limit.
            throw tooLarge(Math.min(limit, length));
        }
        return data;
    }

    private static ProblemException tooLarge(long limit) {
        return new ProblemException(
                ProblemType.PAYLOAD_TOO_LARGE, "the body is larger than " + limit + " bytes" + " (after decoding)");
    }

    /**
     * Refuses a body that is not strictly valid UTF-8 (overlong forms, surrogates, truncated sequences), that starts
     * with a byte order mark, or that holds a NUL byte (never valid in JSON text, and what makes a parser guess
     * UTF-16 or UTF-32): every consumer of a queue reads its tasks as UTF-8 JSON.
     */
    static void requireUtf8(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
            throw new ProblemException(
                    ProblemType.INVALID_JSON, "the body starts with a byte order mark; send plain UTF-8");
        }
        for (byte b : body) {
            if (b == 0) {
                throw new ProblemException(
                        ProblemType.INVALID_JSON, "the body holds a NUL byte; JSON text is UTF-8 without NUL bytes");
            }
        }
        if (!isStrictUtf8(body)) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the body is not valid UTF-8");
        }
    }

    /**
     * Whether the bytes are well-formed UTF-8 as RFC 3629 defines it (what the JDK's decoder accepts with
     * {@code REPORT}): no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence. Checked in
     * place: decoding to see it allocated twice the body in chars on every request.
     */
    static boolean isStrictUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            if (c < 0xc2 || c > 0xf4) {
                return false; // a continuation byte, an overlong 2-byte lead, or no lead at all
            } else if (c < 0xe0) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c < 0xf0) {
                if (i + 2 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0)) {
                    return false; // overlong, or a surrogate
                }
                i += 3;
            } else {
                if (i + 3 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return false;
                }
                int c1 = b[i + 1] & 0xff;
                if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90)) {
                    return false; // overlong, or above U+10FFFF
                }
                i += 4;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    /** Parses exactly one strict JSON value. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the body is empty; a task is a JSON value");
        }
        requireUtf8(body);
        try (JsonParser p = JSON.createParser(body)) {
            JsonNode node = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new ProblemException(ProblemType.INVALID_JSON, "the body holds more than one JSON value");
            }
            return node;
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    /** Checks that the body is exactly one strict JSON value without building it: the path for queues without schema. */
    static void requireJson(byte[] body) {
        if (body.length == 0) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the body is empty; a task is a JSON value");
        }
        requireUtf8(body);
        try (JsonParser p = JSON.createParser(body)) {
            p.nextToken();
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new ProblemException(ProblemType.INVALID_JSON, "the body holds more than one JSON value");
            }
        } catch (IOException e) {
            throw invalidJson(e);
        }
    }

    /**
     * One task of a batch: its exact bytes (published as they are, never compared) and its parsed value (null when
     * the batch was checked without building trees).
     */
    @SuppressWarnings("ArrayRecordComponent")
    record Item(byte[] body, JsonNode value) {}

    /**
     * Splits a batch (a JSON array) into its items, each keeping its exact bytes. A malformed item is reported with
     * its index; more than {@code maxItems} items is refused before the rest is parsed.
     */
    static List<Item> parseBatch(byte[] body, int maxItems) {
        return parseBatch(body, maxItems, Long.MAX_VALUE, true);
    }

    /**
     * Splits a batch as above; an item larger than {@code maxItemSize} bytes is refused like a single task over the
     * limit, and without {@code trees} items are checked by skipping through them, never built.
     */
    static List<Item> parseBatch(byte[] body, int maxItems, long maxItemSize, boolean trees) {
        if (body.length == 0) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the body is empty; a batch is a JSON array of tasks");
        }
        requireUtf8(body);
        List<Item> items = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new ProblemException(ProblemType.INVALID_JSON, "a batch is a JSON array of tasks");
            }
            while (true) {
                JsonToken t;
                try {
                    t = p.nextToken();
                } catch (IOException e) {
                    throw invalidJson(e).forItem(items.size());
                }
                if (t == JsonToken.END_ARRAY) {
                    break;
                }
                if (t == null) {
                    throw new ProblemException(ProblemType.INVALID_JSON, "the array is not closed");
                }
                if (items.size() == maxItems) {
                    throw new ProblemException(
                            ProblemType.BATCH_TOO_LARGE, "a batch holds at most " + maxItems + " tasks");
                }
                int start = (int) p.currentTokenLocation().getByteOffset();
                JsonNode value = null;
                try {
                    if (trees) {
                        value = JSON.readTree(p);
                    } else {
                        p.skipChildren();
                        // A string is read lazily: finish it, so its end (and its bytes) are known.
                        p.finishToken();
                    }
                } catch (IOException e) {
                    throw invalidJson(e).forItem(items.size());
                }
                int end = (int) p.currentLocation().getByteOffset();
                if (end - start > maxItemSize) {
                    throw new ProblemException(
                                    ProblemType.PAYLOAD_TOO_LARGE,
                                    "the task is larger than " + maxItemSize + " bytes (levee.ingest.max-body-size)")
                            .forItem(items.size());
                }
                items.add(new Item(Arrays.copyOfRange(body, start, end), value));
            }
            if (p.nextToken() != null) {
                throw new ProblemException(ProblemType.INVALID_JSON, "the body holds more than one JSON value");
            }
        } catch (IOException e) {
            throw invalidJson(e);
        }
        if (items.isEmpty()) {
            throw new ProblemException(ProblemType.INVALID_JSON, "the batch is empty");
        }
        return items;
    }

    private static ProblemException invalidJson(IOException e) {
        String first = e.getMessage() == null
                ? e.toString()
                : e.getMessage().lines().findFirst().orElse("");
        return new ProblemException(ProblemType.INVALID_JSON, "the body is not valid JSON: " + first);
    }
}
