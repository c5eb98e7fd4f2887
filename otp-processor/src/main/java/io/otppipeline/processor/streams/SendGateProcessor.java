package io.otppipeline.processor.streams;

import io.otppipeline.processor.gate.GateOutcome;
import io.otppipeline.processor.gate.GateWindows;
import io.otppipeline.processor.gate.GateWindows.CountryWindow;
import io.otppipeline.processor.gate.GateWindows.DestinationWindow;
import io.otppipeline.processor.gate.GateWindows.TenantWindow;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations.PhoneRoute;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.gate.GateRecord;
import io.otppipeline.schemas.gate.GateSend;
import io.otppipeline.schemas.gate.GateVerified;
import io.otppipeline.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send gate as a Streams processor (docs/ARCHITECTURE.md section 5b): reads {@code otp.send-gate.v1}, keyed
 * so that one task sees every send a budget counts, applies {@link SendGate} with the record's timestamp as the
 * clock, and forwards admitted codes to {@code otp.delivery.v1} (keyed {@code tenantId:userId} as before) and
 * suppression and breaker events to {@code otp.events.v1}, in the task's exactly-once transaction: a code is
 * sent only if its admission committed, and a budget counts each admitted code once.
 *
 * <p>Stores: per destination ({@code tenantId|destinationHash}), per calling code ({@code tenantId|+cc}), per
 * tenant and channel ({@code tenantId} for SMS, {@code tenantId|email}), and an index of when each destination's
 * window lapses, read by sweep ticks (key {@link Topics#TICK_KEY}) so that one-off destinations do not stay
 * forever. Country and tenant records are
 * bounded by tenants × calling codes and are kept.
 */
final class SendGateProcessor implements Processor<String, byte[], String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(SendGateProcessor.class);

    private final SendGate gate;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, DestinationWindow> destinations;
    private KeyValueStore<String, CountryWindow> countries;
    private KeyValueStore<String, TenantWindow> tenants;
    private LapseIndex lapses;

    SendGateProcessor(final SendGate gate) {
        this.gate = gate;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.destinations = context.getStateStore(Nodes.GATE_DESTINATIONS_STORE);
        this.countries = context.getStateStore(Nodes.GATE_COUNTRIES_STORE);
        this.tenants = context.getStateStore(Nodes.GATE_TENANTS_STORE);
        this.lapses = new LapseIndex(context.getStateStore(Nodes.GATE_LAPSES_STORE));
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        final long nowMs = record.timestamp();
        if (record.headers().lastHeader(Topics.TICK_HEADER) != null) {
            forgetLapsed(nowMs);
            return;
        }
        final GateRecord value;
        try {
            value = Topics.SEND_GATE.valueSerde().deserializer().deserialize(Topics.SEND_GATE.name(), record.value());
        } catch (SerializationException e) {
            // written only by this application's user stage: a bug, not input; kept (still sealed), never dropped
            LOG.error("unreadable record on {} dead-lettered ({})", Topics.SEND_GATE.name(),
                    e.getClass().getSimpleName());
            final Record<String, Object> dead = new Record<>(record.key(), record.value(), nowMs);
            dead.headers().add(Topics.ERROR_HEADER, "unreadable send-gate record".getBytes(StandardCharsets.UTF_8));
            context.forward(dead, Nodes.COMMANDS_DLQ_SINK);
            return;
        }
        if (value instanceof GateSend send) {
            decide(send, nowMs);
        } else if (value instanceof GateVerified verified) {
            final String key = countryKey(verified.tenantId(), verified.callingCode());
            final CountryWindow window = countries.get(key);
            if (window != null) {
                countries.put(key, gate.verified(window, verified));
            }
        }
    }

    private void decide(final GateSend send, final long nowMs) {
        final OtpIssued delivery = send.delivery();
        final boolean sms = delivery.channel() == Channel.SMS;
        final PhoneRoute route = send.route() == null ? PhoneRoute.UNKNOWN : send.route();
        final String destinationKey = delivery.tenantId() + "|" + delivery.destinationHash();
        final String countryKey = countryKey(delivery.tenantId(), route.callingCode());
        // a tenant's SMS window under its id (as before e-mail had budgets), its e-mail window under id|email
        final String tenantKey = sms ? delivery.tenantId() : delivery.tenantId() + "|email";
        final GateWindows before = new GateWindows(orElse(destinations.get(destinationKey), DestinationWindow.EMPTY),
                sms ? orElse(countries.get(countryKey), CountryWindow.EMPTY) : CountryWindow.EMPTY,
                orElse(tenants.get(tenantKey), TenantWindow.EMPTY));
        final GateOutcome outcome = gate.decide(send, before, nowMs);
        final GateWindows after = outcome.next();
        if (!after.destination().equals(before.destination())) {
            destinations.put(destinationKey, after.destination());
            lapses.add(after.destination().lapsesAtMs(gate.rules(delivery.tenantId()).destinationWindowSeconds() * 1000L),
                    destinationKey);
        }
        if (sms && !after.country().equals(before.country())) {
            countries.put(countryKey, after.country());
        }
        if (!after.tenant().equals(before.tenant())) {
            tenants.put(tenantKey, after.tenant());
        }
        final String userKey = Topics.userKey(delivery.tenantId(), delivery.userId());
        for (var event : outcome.events()) {
            final String key = Topics.userKey(event.tenantid(), event.subject());
            context.forward(new Record<>(key, event, nowMs), Nodes.EVENTS_SINK);
        }
        if (outcome instanceof GateOutcome.Admitted admitted) {
            context.forward(new Record<>(userKey, admitted.delivery(), nowMs), Nodes.DELIVERY_SINK);
        }
    }

    /** Deletes the destination windows whose last send left the window by {@code nowMs}. */
    private void forgetLapsed(final long nowMs) {
        for (String destinationKey : lapses.takeDue(nowMs)) {
            final DestinationWindow window = destinations.get(destinationKey);
            final String tenantId = destinationKey.substring(0, destinationKey.indexOf('|'));
            if (window != null && gate.lapsed(tenantId, window, nowMs)) {
                destinations.delete(destinationKey);
            }
        }
    }

    private static String countryKey(final String tenantId, final int callingCode) {
        return tenantId + "|+" + callingCode;
    }

    private static <T> T orElse(final T value, final T fallback) {
        return value == null ? fallback : value;
    }
}
