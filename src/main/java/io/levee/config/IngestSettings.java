package io.levee.config;

import java.time.Duration;

/**
 * How the ingest API takes tasks ({@code levee.ingest.*}).
 *
 * @param batchMaxItems    most tasks in one batch request
 * @param maxBodySize      bytes of one task body, after gzip decoding; more is a 413
 * @param batchMaxBodySize bytes of one batch body, after gzip decoding; more is a 413
 * @param publishTimeout   how long a request may wait for its broker confirm, retries included, before a 503
 * @param rateWindow       window over which ingest and drain rates are reported and Retry-After is estimated
 * @param requestTimeout   how long a task or batch body may take to arrive; past it the request is answered 408
 * @param bodyMemory       bytes of request bodies held at once; a request that finds no room is answered 503
 */
public record IngestSettings(
        int batchMaxItems,
        long maxBodySize,
        long batchMaxBodySize,
        Duration publishTimeout,
        Duration rateWindow,
        Duration requestTimeout,
        long bodyMemory) {}
