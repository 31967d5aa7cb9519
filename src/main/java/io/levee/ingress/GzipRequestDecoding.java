package io.levee.ingress;

import io.helidon.common.config.Config;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.spi.ContentEncodingProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Lets Helidon accept {@code Content-Encoding: gzip} request bodies (it refuses unknown encodings with a bare 400,
 * and its own gzip module is not available here). Decoding only: responses are never compressed. The decoded stream
 * is read by {@link TaskBodies} with the body limit, so a gzip bomb stops at the limit; a stream that is not gzip
 * fails on first read and is answered {@code invalid-content-encoding}.
 */
public final class GzipRequestDecoding implements ContentEncodingProvider, ContentEncoding {

    @Override
    public String configKey() {
        return "gzip";
    }

    @Override
    public ContentEncoding create(Config config, String name) {
        return this;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String type() {
        return "gzip";
    }

    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip");
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return LazyGzip::new;
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    /** Reads the gzip header on first read, not on construction, so a bad header is an I/O error of the request. */
    private static final class LazyGzip extends FilterInputStream {
        private boolean opened;

        LazyGzip(InputStream raw) {
            super(raw);
        }

        private InputStream open() throws IOException {
            if (!opened) {
                in = new GZIPInputStream(in);
                opened = true;
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return open().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return open().read(b, off, len);
        }
    }
}
