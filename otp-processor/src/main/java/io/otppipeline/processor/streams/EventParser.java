package io.otppipeline.processor.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each committed event of {@code otp.events.v1} once and hands the same read-only tree to the nodes that read
 * the event stream (the IP guard's aggregator, the delivery reports, the event metrics). A record that is not JSON,
 * or empty, goes nowhere: the audit service dead-letters what is not an event, and there is nothing to count or
 * report in it.
 */
final class EventParser implements Processor<String, byte[], String, JsonNode> {

    private ProcessorContext<String, JsonNode> context;

    @Override
    public void init(final ProcessorContext<String, JsonNode> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        final JsonNode event;
        try {
            event = Json.mapper().readTree(record.value());
        } catch (IOException e) {
            return;
        }
        if (event != null) {
            context.forward(record.withValue(event));
        }
    }
}
