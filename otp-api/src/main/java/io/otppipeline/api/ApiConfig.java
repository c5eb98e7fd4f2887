package io.otppipeline.api;

import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.config.Settings;
import io.otppipeline.schemas.kafka.KafkaConnection;
import java.nio.file.Path;

/**
 * Typed settings of otp-api (keys in {@code otp-api.properties}, or {@code OTP_*} variables).
 *
 * @param kafka {@code kafka.bootstrap.servers} (required), {@code kafka.client.*}, {@code kafka.replication.factor},
 *     {@code kafka.topics.create}: how every Kafka client of the service connects ({@link KafkaConnection})
 * @param host {@code api.host}: listen address; default {@code 127.0.0.1}
 * @param port {@code api.port}: listen port; default 8080 ({@code 0} picks a free port)
 * @param replyTimeoutMs {@code api.reply.timeout.ms}: how long a request waits for the processor's decision,
 *     in milliseconds, before answering 503; default 5000
 * @param maxBodyBytes {@code api.max.body.bytes}: largest accepted request body in bytes; default 16384
 * @param replyGroupId {@code api.reply.group.id}: the reply listener's consumer name ({@code group.id}; it joins
 *     no group and commits nothing: every instance reads every reply partition); default {@code otp-api}
 * @param apiKeysFile {@code secrets.api.keys.file}: required; the hashed API keys ({@link ApiKeys})
 * @param commandKeyring {@code secrets.command.keyring.file}: required; seals destinations, codes and entropy
 * @param replyIsolation {@code api.reply.isolation}: {@code read_uncommitted} (default: answer as soon as the
 *     processor decided, before its transaction commits; safe because decisions are deterministic,
 *     docs/DESIGN-NOTES.md) or {@code read_committed} (answer after the commit, one commit interval later)
 * @param ipv6PrefixLength {@code otp.guard.ipv6.prefix.length}: bits of an IPv6 address the IP guard counts
 *     together, the same setting as the processor's; default 64
 * @param totpIssuer {@code api.totp.issuer}: the service name authenticator apps show next to the account (the
 *     Key Uri Format's issuer); default {@code otp-pipeline}
 * @param idleTimeoutMs {@code api.idle.timeout.ms}: the longest a blocking read of a request (or write of an answer)
 *     waits for the client, in milliseconds (Jetty's {@code HttpConfiguration} idle timeout); default 10000
 * @param minRequestBytesPerSecond {@code api.min.request.bytes.per.second}: a request body arriving slower is
 *     refused (408) and its thread freed, in bytes per second; default 1024 ({@code 0}: no minimum)
 * @param twilio the Twilio Verify facade's Services, Account SID and subject key ({@link TwilioServices}:
 *     {@code api.twilio.account.sid}, {@code api.twilio.service.<ServiceSid>.tenant|purpose},
 *     {@code secrets.twilio.subject.keyring.file}); {@link TwilioServices#NONE} (no {@code /v2} routes) by default
 * @param publicBaseUrl {@code api.public.base.url}: scheme, host and port under which browsers reach this API, for
 *     the magic links it mails ({@code <base>/l/<token>}), without a trailing slash; default
 *     {@code http://<api.host>:<bound port>} (right for {@code ./otp local}, not behind a load balancer)
 * @param redirects {@code api.magic.link.redirects.<tenantId>}: each tenant's allowed magic-link redirect prefixes
 *     ({@link RedirectAllowList}); none by default, so no tenant can request a magic link until it has some
 */
public record ApiConfig(KafkaConnection kafka, String host, int port, long replyTimeoutMs, int maxBodyBytes,
                        String replyGroupId, Path apiKeysFile, Path commandKeyring,
                        String replyIsolation, int ipv6PrefixLength, String totpIssuer, long idleTimeoutMs,
                        long minRequestBytesPerSecond, TwilioServices twilio,
                        String publicBaseUrl, RedirectAllowList redirects) {

    /**
     * Checks the isolation level.
     *
     * @throws IllegalStateException if {@code api.reply.isolation} is neither {@code read_uncommitted} nor
     *     {@code read_committed}
     */
    public ApiConfig {
        redirects = redirects == null ? RedirectAllowList.NONE : redirects;
        if (publicBaseUrl != null && (publicBaseUrl.endsWith("/") || !publicBaseUrl.matches("^https?://[^/?#]+$"))) {
            throw new IllegalStateException("api.public.base.url must be scheme://host[:port] without a path or "
                    + "trailing slash, for example https://verify.example.com");
        }
        if (!"read_uncommitted".equals(replyIsolation) && !"read_committed".equals(replyIsolation)) {
            throw new IllegalStateException("api.reply.isolation must be read_uncommitted or read_committed");
        }
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    public static ApiConfig from(final Settings s) {
        return new ApiConfig(
                KafkaConnection.from(s),
                s.string("api.host", "127.0.0.1"),
                (int) s.number("api.port", 8080),
                s.number("api.reply.timeout.ms", 5000),
                (int) s.number("api.max.body.bytes", 16384),
                s.string("api.reply.group.id", "otp-api"),
                s.path("secrets.api.keys.file"),
                s.path("secrets.command.keyring.file"),
                s.string("api.reply.isolation", "read_uncommitted"),
                (int) s.number("otp.guard.ipv6.prefix.length", IpKeys.DEFAULT_IPV6_PREFIX),
                s.string("api.totp.issuer", "otp-pipeline"),
                s.number("api.idle.timeout.ms", 10_000),
                s.number("api.min.request.bytes.per.second", 1024),
                TwilioServices.from(s),
                s.string("api.public.base.url", null),
                RedirectAllowList.from(s));
    }
}
