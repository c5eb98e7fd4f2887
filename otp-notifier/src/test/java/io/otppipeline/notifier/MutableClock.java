package io.otppipeline.notifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand (circuit breaker open state, code lifetimes). */
final class MutableClock extends Clock {

    private volatile Instant now;

    MutableClock(final Instant start) {
        this.now = start;
    }

    void advance(final Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(final ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
