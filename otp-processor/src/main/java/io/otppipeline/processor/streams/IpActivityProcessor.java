package io.otppipeline.processor.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.event.EventTypes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The IP guard's aggregator, off the hot path (docs/ARCHITECTURE.md section 5b): reads the public event stream
 * ({@code otp.events.v1}, committed events only) and forwards one record per counted activity of an end user's
 * address to {@code otp.ip-activity.v1}, keyed by tenant, kind and address key, so that one task counts each
 * address ({@link EventParser} parsed the event). Counted: code requests ({@code otp.issued}, {@code otp.request.refused} except refusals by the IP guard
 * itself, so a block does not prolong itself) and wrong codes: outcome {@code denied} of
 * {@code otp.verification.completed} and {@code otp.factor.verification.completed} (a code compared and wrong), and
 * the {@code max_attempts} of the wrong guess that used a code up ({@code compared: true}; a dead code's later
 * {@code max_attempts} compared nothing, not even the right code, and counts nothing).
 * Events without {@code client.ip} count nothing. An IPv6 address is counted under its /64 and its wider /48
 * ({@link IpKeys#keys}), each on its own record.
 */
final class IpActivityProcessor implements Processor<String, JsonNode, String, Object> {


    private final int ipv6PrefixLength;
    private final int ipv6WidePrefixLength;
    private ProcessorContext<String, Object> context;

    /**
     * @param ipv6PrefixLength bits of an IPv6 address counted together
     * @param ipv6WidePrefixLength bits of the wider IPv6 prefix counted as well (0: none)
     */
    IpActivityProcessor(final int ipv6PrefixLength, final int ipv6WidePrefixLength) {
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.ipv6WidePrefixLength = ipv6WidePrefixLength;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, JsonNode> record) {
        final JsonNode event = record.value(); // parsed once by EventParser
        final JsonNode data = event.path("data");
        final IpActivity activity = switch (event.path("type").asText()) {
            case EventTypes.OTP_ISSUED -> IpActivity.REQUEST;
            case EventTypes.REQUEST_REFUSED -> "ip_limit".equals(data.path("reason").asText()) ? null
                    : IpActivity.REQUEST;
            case EventTypes.VERIFICATION_COMPLETED, EventTypes.FACTOR_VERIFICATION_COMPLETED ->
                    "denied".equals(data.path("outcome").asText())
                            || "max_attempts".equals(data.path("outcome").asText())
                            && data.path("compared").asBoolean(false) ? IpActivity.FAILURE : null;
            default -> null;
        };
        final String tenantId = event.path("tenantid").textValue();
        if (activity == null || tenantId == null) {
            return;
        }
        for (String ipKey : IpKeys.keys(data.path("client").path("ip").textValue(), ipv6PrefixLength,
                ipv6WidePrefixLength)) {
            context.forward(new Record<>(activity.key(tenantId, ipKey), "", record.timestamp()),
                    Nodes.IP_ACTIVITY_SINK);
        }
    }
}
