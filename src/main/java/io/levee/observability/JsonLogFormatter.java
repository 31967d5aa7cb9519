package io.levee.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log record and line, for log shippers ({@code levee.log.format=json}): {@code time},
 * {@code level}, {@code logger}, {@code thread}, {@code message}, the fields a record carries as its one map
 * parameter (a task outcome line: {@code queue}, {@code taskId}, {@code requestId}, {@code attempt},
 * {@code durationMs}, {@code outcome}, {@code error}; a task summary line: {@code queue}, {@code intervalMs},
 * {@code outcomes} as an object of counts by outcome, {@code notLogged}; see {@link TaskLog}) and {@code exception}
 * with its stack trace.
 */
public class JsonLogFormatter extends Formatter {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String format(LogRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(record.getMillis()).toString());
        line.put("level", record.getLevel().getName());
        line.put("logger", record.getLoggerName());
        line.put("thread", Thread.currentThread().getName());
        line.put("message", formatMessage(record));
        Object[] parameters = record.getParameters();
        if (parameters != null && parameters.length == 1 && parameters[0] instanceof Map<?, ?> fields) {
            fields.forEach((k, v) -> line.putIfAbsent(String.valueOf(k), v));
        }
        if (record.getThrown() != null) {
            StringWriter stack = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(stack));
            line.put("exception", stack.toString());
        }
        try {
            return JSON.writeValueAsString(line) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            return "{\"level\":\"SEVERE\",\"message\":\"cannot write a log record as JSON\"}" + System.lineSeparator();
        }
    }
}
