package io.otppipeline.processor.streams;

import io.otppipeline.schemas.command.DeliveryReported;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkExchangeRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.FactorDeleteRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First node of the topology: passes sweep ticks (header {@link Topics#TICK_HEADER}) to the {@link ExpirySweep},
 * turns command bytes into an {@link OtpCommand} for the decisions, and sends what cannot be read, or whose key
 * does not match its {@code tenantId:userId} (a tenant-isolation guard), to the commands dead-letter topic with an
 * {@code error} header. Nothing is dropped silently.
 */
final class CommandParser implements Processor<String, byte[], String, Object> {

    private ProcessorContext<String, Object> context;

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        if (record.headers().lastHeader(Topics.TICK_HEADER) != null) {
            context.forward(record.withValue((Object) Boolean.TRUE), Nodes.SWEEP);
            return;
        }
        final OtpCommand command;
        try {
            command = Topics.COMMANDS.valueSerde().deserializer().deserialize(Topics.COMMANDS.name(), record.value());
        } catch (SerializationException e) {
            deadLetter(record, "malformed: " + e.getMessage());
            return;
        }
        if (command == null || !complete(command)) {
            deadLetter(record, "incomplete command");
        } else if (!Topics.userKey(command.tenantId(), command.userId()).equals(record.key())) {
            deadLetter(record, "key does not match tenantId:userId");
        } else {
            context.forward(record.withValue(command), Nodes.DECISIONS);
        }
    }

    private static boolean complete(final OtpCommand c) {
        if (c.commandId() == null || c.tenantId() == null || c.userId() == null || c.userId().indexOf(' ') >= 0) {
            return false;
        }
        if (c.idempotency() != null && (c.idempotency().key() == null || c.idempotency().requestHash() == null)) {
            return false;
        }
        if (c instanceof OtpRequested r) {
            return r.purpose() != null && r.channel() != null && r.destination() != null
                    && (r.link() == null || r.link().baseUrl() != null && r.link().redirectUrl() != null);
        }
        if (c instanceof OtpVerifyAttempted v) {
            return v.purpose() != null && v.code() != null;
        }
        if (c instanceof OtpConsumeRequested consume) {
            return consume.otpId() != null;
        }
        if (c instanceof OtpCancelRequested cancel) {
            return cancel.otpId() != null;
        }
        if (c instanceof OtpStatusRequested status) {
            return status.otpId() != null;
        }
        if (c instanceof MagicLinkOpened open) {
            return open.linkId() != null && open.secret() != null;
        }
        if (c instanceof MagicLinkConfirmRequested confirm) {
            return confirm.linkId() != null && confirm.secret() != null && confirm.exchangeSecret() != null;
        }
        if (c instanceof MagicLinkExchangeRequested exchange) {
            return exchange.linkId() != null && exchange.secret() != null;
        }
        if (c instanceof DeliveryReported report) {
            return report.otpId() != null && report.outcome() != null;
        }
        if (c instanceof UserUnlockRequested unlock) {
            return unlock.actor() != null;
        }
        if (c instanceof FactorEnrolRequested enrol) {
            return enrol.type() != null && enrol.secret() != null;
        }
        if (c instanceof FactorConfirmRequested confirm) {
            return confirm.factorId() != null && confirm.code() != null;
        }
        if (c instanceof FactorVerifyAttempted verify) {
            return verify.code() != null;
        }
        return ((FactorDeleteRequested) c).factorId() != null;
    }

    private void deadLetter(final Record<String, byte[]> record, final String reason) {
        final Record<String, Object> dead = new Record<>(record.key(), record.value(), record.timestamp());
        dead.headers().add(Topics.ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.forward(dead, Nodes.COMMANDS_DLQ_SINK);
    }
}
