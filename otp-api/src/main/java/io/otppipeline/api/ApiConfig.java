package io.otppipeline.api;

import io.otppipeline.api.captcha.Captchas;
import io.otppipeline.api.http.ClientAddresses;
import io.otppipeline.api.http.ConnectionLimits;
import io.otppipeline.api.links.RedirectAllowList;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.SettingCatalog;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed settings of otp-api (keys in {@code otp-api.properties}, or {@code OTP_*} variables).
 *
 * @param kafka how every Kafka client of the service connects ({@link KafkaConnection#SETTINGS})
 * @param host {@link #HOST}
 * @param port {@link #PORT}
 * @param replyTimeoutMs {@link #REPLY_TIMEOUT_MS}
 * @param maxBodyBytes {@link #MAX_BODY_BYTES}
 * @param replyGroupId {@link #REPLY_GROUP_ID}
 * @param apiKeysFile {@link #API_KEYS_FILE} ({@link ApiKeys})
 * @param commandKeyring {@link SharedSettings#COMMAND_KEYRING_FILE}
 * @param replyIsolation {@link #REPLY_ISOLATION}
 * @param ipv6PrefixLength {@link SharedSettings#IPV6_PREFIX_LENGTH}, the same as the processor's
 * @param totpIssuer {@link #TOTP_ISSUER}
 * @param idleTimeoutMs {@link #IDLE_TIMEOUT_MS}
 * @param requestBodyTimeoutMs {@link #REQUEST_BODY_TIMEOUT_MS}
 * @param twilio the Twilio Verify facade's Services, Account SID and subject key ({@link #TWILIO_ACCOUNT_SID} …);
 *     {@link TwilioServices#NONE} (no {@code /v2} routes) by default
 * @param publicBaseUrl {@link #PUBLIC_BASE_URL}; {@code null}: {@code http://<api.host>:<bound port>}
 * @param redirects each tenant's allowed magic-link redirect prefixes ({@link #MAGIC_LINK_REDIRECTS})
 * @param connections the header deadline and the connection limit ({@link ConnectionLimits})
 * @param proxies the reverse proxies whose forwarding headers name the magic-link pages' client
 *     ({@link ClientAddresses#TRUSTED_PROXIES}); {@link ClientAddresses#NONE} by default
 * @param ipv6WidePrefixLength {@link SharedSettings#IPV6_WIDE_PREFIX_LENGTH}, the same as the processor's
 * @param captchas each tenant's CAPTCHA provider ({@link Captchas}); {@link Captchas#NONE} by default
 */
public record ApiConfig(KafkaConnection kafka, String host, int port, long replyTimeoutMs, int maxBodyBytes,
                        String replyGroupId, Path apiKeysFile, Path commandKeyring,
                        String replyIsolation, int ipv6PrefixLength, String totpIssuer, long idleTimeoutMs,
                        long requestBodyTimeoutMs, TwilioServices twilio,
                        String publicBaseUrl, RedirectAllowList redirects, ConnectionLimits connections,
                        ClientAddresses proxies, int ipv6WidePrefixLength, Captchas captchas) {

    public static final Setting<String> HOST = Setting.string("api.host", "127.0.0.1", "listen address");
    public static final Setting<Long> PORT = Setting.integer("api.port", 8080, "port", "listen port (0 picks a free "
            + "port)").check(Setting.between(0, 65_535), "between 0 and 65535");
    public static final Setting<Long> REPLY_TIMEOUT_MS = Setting.integer("api.reply.timeout.ms", 5000,
            "milliseconds", "how long a request waits for the processor's decision before answering 503")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> MAX_BODY_BYTES = Setting.integer("api.max.body.bytes", 16_384, "bytes",
            "largest accepted request body").check(Setting.atLeast(256), "at least 256");
    public static final Setting<String> REPLY_GROUP_ID = Setting.string("api.reply.group.id", "otp-api",
            "the reply listener's group.id (it joins no group and commits nothing: every instance reads every reply "
                    + "partition); its ACLs in docs/OPERATIONS.md follow it");
    public static final Setting<Path> API_KEYS_FILE = Setting.path("secrets.api.keys.file",
            "the hashed API keys, each bound to one tenant").required();
    public static final Setting<String> REPLY_ISOLATION = Setting.string("api.reply.isolation", "read_uncommitted",
            "read_uncommitted: answer as soon as the processor decided, before its transaction commits (safe because "
                    + "decisions are deterministic, docs/DESIGN-NOTES.md); read_committed: one commit interval later")
            .check(v -> "read_uncommitted".equals(v) || "read_committed".equals(v), "read_uncommitted or read_committed");
    public static final Setting<String> TOTP_ISSUER = Setting.string("api.totp.issuer", "otp-pipeline",
            "the service name authenticator apps show next to the account (the Key Uri Format's issuer)");
    public static final Setting<Long> IDLE_TIMEOUT_MS = Setting.integer("api.idle.timeout.ms", 10_000,
            "milliseconds", "the longest a blocking read of a request or write of an answer waits for the client "
                    + "(Jetty's idle timeout)").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> REQUEST_BODY_TIMEOUT_MS = Setting.integer("api.request.body.timeout.ms",
            10_000, "milliseconds", "the longest a whole request body may take to arrive after its headers; a slower "
                    + "client's connection is closed (slowloris: one that sends a byte now and then never meets "
                    + "the idle timeout)").check(Setting.atLeast(1), "at least 1");
    public static final Setting<String> PUBLIC_BASE_URL = Setting.string("api.public.base.url", null, "scheme, host "
            + "and port under which browsers reach this API, for the magic links it mails, without a trailing slash; "
            + "default http://<api.host>:<bound port> (right for ./otp local, not behind a load balancer)");

    /** Every setting otp-api reads; it owns {@code api.*} and warns about an unknown key there. */
    public static final SettingCatalog CATALOG = new SettingCatalog("otp-api", List.of("api.", "kafka."), List.of(),
            catalog(), List.of(KafkaConnection.CLIENT_PREFIX));

    private static List<Setting<?>> catalog() {
        final List<Setting<?>> all = new ArrayList<>(List.of(HOST, PORT, REPLY_TIMEOUT_MS, MAX_BODY_BYTES,
                REPLY_GROUP_ID, API_KEYS_FILE, REPLY_ISOLATION, TOTP_ISSUER, IDLE_TIMEOUT_MS,
                REQUEST_BODY_TIMEOUT_MS, PUBLIC_BASE_URL, RedirectAllowList.REDIRECTS, TwilioServices.ACCOUNT_SID,
                TwilioServices.SERVICE_TENANT, TwilioServices.SERVICE_PURPOSE, TwilioServices.SUBJECT_KEYRING_FILE,
                SharedSettings.COMMAND_KEYRING_FILE, SharedSettings.IPV6_PREFIX_LENGTH,
                SharedSettings.IPV6_WIDE_PREFIX_LENGTH, ClientAddresses.TRUSTED_PROXIES));
        all.addAll(ConnectionLimits.SETTINGS);
        all.addAll(Captchas.SETTINGS);
        all.addAll(KafkaConnection.SETTINGS);
        return List.copyOf(all);
    }

    /** A configuration with the default {@link ConnectionLimits}. */
    public ApiConfig(final KafkaConnection kafka, final String host, final int port, final long replyTimeoutMs,
                     final int maxBodyBytes, final String replyGroupId, final Path apiKeysFile,
                     final Path commandKeyring, final String replyIsolation, final int ipv6PrefixLength,
                     final String totpIssuer, final long idleTimeoutMs, final long requestBodyTimeoutMs,
                     final TwilioServices twilio, final String publicBaseUrl, final RedirectAllowList redirects) {
        this(kafka, host, port, replyTimeoutMs, maxBodyBytes, replyGroupId, apiKeysFile, commandKeyring,
                replyIsolation, ipv6PrefixLength, totpIssuer, idleTimeoutMs, requestBodyTimeoutMs, twilio,
                publicBaseUrl, redirects, ConnectionLimits.DEFAULTS, ClientAddresses.NONE,
                IpKeys.DEFAULT_IPV6_WIDE_PREFIX, Captchas.NONE);
    }

    /** A configuration without trusted proxies. */
    public ApiConfig(final KafkaConnection kafka, final String host, final int port, final long replyTimeoutMs,
                     final int maxBodyBytes, final String replyGroupId, final Path apiKeysFile,
                     final Path commandKeyring, final String replyIsolation, final int ipv6PrefixLength,
                     final String totpIssuer, final long idleTimeoutMs, final long requestBodyTimeoutMs,
                     final TwilioServices twilio, final String publicBaseUrl, final RedirectAllowList redirects,
                     final ConnectionLimits connections) {
        this(kafka, host, port, replyTimeoutMs, maxBodyBytes, replyGroupId, apiKeysFile, commandKeyring,
                replyIsolation, ipv6PrefixLength, totpIssuer, idleTimeoutMs, requestBodyTimeoutMs, twilio,
                publicBaseUrl, redirects, connections, ClientAddresses.NONE, IpKeys.DEFAULT_IPV6_WIDE_PREFIX,
                Captchas.NONE);
    }

    /**
     * Checks the isolation level.
     *
     * @throws IllegalStateException if {@code api.reply.isolation} is neither {@code read_uncommitted} nor
     *     {@code read_committed}
     */
    public ApiConfig {
        redirects = redirects == null ? RedirectAllowList.NONE : redirects;
        connections = connections == null ? ConnectionLimits.DEFAULTS : connections;
        proxies = proxies == null ? ClientAddresses.NONE : proxies;
        captchas = captchas == null ? Captchas.NONE : captchas;
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
        CATALOG.check(s);
        return new ApiConfig(
                KafkaConnection.from(s),
                HOST.read(s),
                PORT.read(s).intValue(),
                REPLY_TIMEOUT_MS.read(s),
                MAX_BODY_BYTES.read(s).intValue(),
                REPLY_GROUP_ID.read(s),
                API_KEYS_FILE.read(s),
                SharedSettings.COMMAND_KEYRING_FILE.read(s),
                REPLY_ISOLATION.read(s),
                SharedSettings.IPV6_PREFIX_LENGTH.read(s).intValue(),
                TOTP_ISSUER.read(s),
                IDLE_TIMEOUT_MS.read(s),
                REQUEST_BODY_TIMEOUT_MS.read(s),
                TwilioServices.from(s),
                PUBLIC_BASE_URL.read(s),
                RedirectAllowList.from(s),
                ConnectionLimits.from(s),
                ClientAddresses.from(s),
                SharedSettings.IPV6_WIDE_PREFIX_LENGTH.read(s).intValue(),
                Captchas.from(s));
    }
}
