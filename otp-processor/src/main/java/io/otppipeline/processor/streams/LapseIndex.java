package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.Digits;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store of {@code <lapse time as 13 digits> <key>} entries, so that a sweep tick finds with one range scan the
 * records of another store that may have lapsed (the send gate's destination windows, the IP guard's windows),
 * instead of scanning them all. An entry only says "look again then": the owner decides whether the record really
 * lapsed, since a later write may have moved its lapse time (and indexed it again).
 */
final class LapseIndex {

    private static final int TIME_DIGITS = 13;

    private final KeyValueStore<String, String> store;

    LapseIndex(final KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Remembers to look at {@code key} at {@code atMs} (epoch milliseconds). */
    void add(final long atMs, final String key) {
        store.put(entry(atMs, key), "");
    }

    /** Removes and returns the keys due at or before {@code nowMs} (epoch milliseconds), oldest first. */
    List<String> takeDue(final long nowMs) {
        final List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.range(entry(0, ""), entry(nowMs, "~"))) {
            it.forEachRemaining(due::add);
        }
        final List<String> keys = new ArrayList<>(due.size());
        for (KeyValue<String, String> e : due) {
            store.delete(e.key);
            keys.add(e.key.substring(TIME_DIGITS + 1));
        }
        return keys;
    }

    private static String entry(final long atMs, final String key) {
        return Digits.zeroPadded(atMs, TIME_DIGITS) + ' ' + key;
    }
}
