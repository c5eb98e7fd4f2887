package io.otppipeline.processor.streams;

import io.otppipeline.processor.guard.IpGuard;
import io.otppipeline.processor.guard.IpWindow;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.kafka.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The IP guard as a Streams processor (docs/ARCHITECTURE.md section 5b): counts each record of
 * {@code otp.ip-activity.v1} with {@link IpGuard} (the record's timestamp is the clock) and publishes a changed
 * verdict to the compacted {@code otp.ip-verdicts.v1}; on sweep ticks it forgets lapsed windows and publishes a
 * tombstone for their verdict, so the verdict topic holds only addresses that matter now.
 */
final class IpGuardProcessor implements Processor<String, String, String, Object> {

    private final IpGuard guard;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, IpWindow> windows;
    private LapseIndex lapses;

    IpGuardProcessor(final IpGuard guard) {
        this.guard = guard;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.windows = context.getStateStore(Nodes.IP_WINDOWS_STORE);
        this.lapses = new LapseIndex(context.getStateStore(Nodes.IP_LAPSES_STORE));
    }

    @Override
    public void process(final Record<String, String> record) {
        final long nowMs = record.timestamp();
        if (record.headers().lastHeader(Topics.TICK_HEADER) != null) {
            forgetLapsed(nowMs);
            return;
        }
        final String key = record.key();
        final IpActivity kind = IpActivity.ofKey(key);
        final IpWindow stored = windows.get(key);
        final IpWindow before;
        if (stored != null && guard.lapsesAtMs(stored, kind) <= nowMs) {
            // lapsed before the tick that would forget it came: forget it now, as that tick would have, so the
            // window and the verdicts do not depend on whether a tick came first
            forget(key, stored, nowMs);
            before = null;
        } else {
            before = stored;
        }
        final IpGuard.Counted counted = guard.count(before == null ? IpWindow.EMPTY : before, kind,
                key.substring(key.indexOf('|', key.indexOf('|') + 1) + 1), nowMs);
        windows.put(key, counted.next());
        final long lapsesAt = guard.lapsesAtMs(counted.next(), kind);
        if (before == null || guard.lapsesAtMs(before, kind) != lapsesAt) { // moves once a minute at most
            lapses.add(lapsesAt, key);
        }
        if (counted.verdict() != null) {
            context.forward(new Record<>(key, counted.verdict(), nowMs), Nodes.IP_VERDICTS_SINK);
        }
    }

    private void forgetLapsed(final long nowMs) {
        for (String key : lapses.takeDue(nowMs)) {
            final IpWindow window = windows.get(key);
            if (window != null && guard.lapsesAtMs(window, IpActivity.ofKey(key)) <= nowMs) {
                forget(key, window, nowMs);
            }
        }
    }

    /** Deletes the lapsed {@code window} of {@code key} and publishes a tombstone for its verdict if it had one. */
    private void forget(final String key, final IpWindow window, final long nowMs) {
        windows.delete(key);
        if (window.blockedUntilMs() > 0 || window.challengeUntilMs() > 0) {
            context.forward(new Record<>(key, null, nowMs), Nodes.IP_VERDICTS_SINK);
        }
    }
}
