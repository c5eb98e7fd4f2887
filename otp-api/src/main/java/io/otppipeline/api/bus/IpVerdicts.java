package io.otppipeline.api.bus;

import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpVerdict;

/**
 * The IP guard's current verdicts as otp-api sees them (docs/ARCHITECTURE.md section 5b): looked up for each code
 * request and verification, and stamped into the command so that the processor decides with it. A seam: the
 * running service reads {@code otp.ip-verdicts.v1} ({@link KafkaIpVerdicts}); the API's unit tests use
 * {@link #NONE} or a map.
 */
public interface IpVerdicts extends AutoCloseable {

    /** Knows no verdict. */
    IpVerdicts NONE = new IpVerdicts() {
        @Override
        public IpVerdict find(final String tenantId, final IpActivity kind, final String ip) {
            return null;
        }

        @Override
        public void close() {
        }
    };

    /**
     * The newest verdict on {@code ip} for {@code kind} in {@code tenantId}, or {@code null} when there is none. It
     * may have lapsed: the processor compares its times with the command's timestamp, never the API's clock.
     *
     * @param ip the end user's address as the caller sent it ({@code client.ip}), or {@code null}
     */
    IpVerdict find(String tenantId, IpActivity kind, String ip);

    /** Whether the reader of the verdicts still runs (liveness); without it the IP guard is silently off. */
    default boolean isAlive() {
        return true;
    }

    @Override
    void close();
}
