package io.otppipeline.notifier.provider;

import io.otppipeline.schemas.crypto.Secrets;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * SMS through Twilio's Programmable Messaging API, or any service with the same shape:
 * {@code POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json}, HTTP Basic authentication with the
 * account SID and auth token, a form body with {@code To}, {@code Body} and either {@code From} or
 * {@code MessagingServiceSid}; {@code 201 Created} with the message {@code sid}
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
 *
 * <p>Twilio answers 400 with error code 21211 (invalid To), 21614 (not a mobile number) or 21610
 * (unsubscribed recipient) for a number no provider will reach: those become {@code invalid_destination}.
 * Twilio's Messages API takes no idempotency key, so a retry after a timeout may send twice (docs/DELIVERY.md).
 */
public final class TwilioSmsProvider implements SmsProvider {

    /**
     * @param baseUrl {@code sms.twilio.base.url} (settings and defaults: {@code NotifierConfig.TWILIO_*})
     * @param accountSid {@code sms.twilio.account.sid}
     * @param authTokenFile {@code secrets.sms.twilio.auth.token.file}
     * @param from {@code sms.twilio.from}: sender number or alphanumeric id; or
     * @param messagingServiceSid {@code sms.twilio.messaging.service.sid}: used instead of {@code from} when set
     */
    public record Settings(String baseUrl, String accountSid, Path authTokenFile, String from,
                           String messagingServiceSid) {
    }

    private static final Set<Integer> INVALID_DESTINATION_CODES = Set.of(21211, 21614, 21610);

    private final Settings settings;
    private final HttpClient client;
    private final URI endpoint;
    private final String authorization;
    private final long timeoutMs;
    private final Clock clock;

    /**
     * @param timeoutMs per-call timeout in milliseconds
     * @throws IllegalStateException if the auth token file cannot be read
     */
    public TwilioSmsProvider(final Settings settings, final HttpClient client, final long timeoutMs,
                             final Clock clock) {
        this.settings = settings;
        this.client = client;
        this.endpoint = URI.create(settings.baseUrl().replaceAll("/+$", "") + "/2010-04-01/Accounts/"
                + URLEncoder.encode(settings.accountSid(), StandardCharsets.UTF_8) + "/Messages.json");
        final String token = Secrets.readText(settings.authTokenFile());
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.accountSid() + ":" + token).getBytes(StandardCharsets.UTF_8));
        this.timeoutMs = timeoutMs;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public String send(final SmsMessage message) throws SendException {
        final Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.to());
        if (settings.messagingServiceSid() != null) {
            form.put("MessagingServiceSid", settings.messagingServiceSid());
        } else {
            form.put("From", settings.from());
        }
        form.put("Body", message.body());
        final HttpRequest request = HttpCalls.request(endpoint, timeoutMs)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)))
                .build();
        final HttpResponse<String> response = HttpCalls.exchange(client, request, name());
        if (response.statusCode() == 400 && isInvalidDestination(HttpCalls.field(response, "code"))) {
            throw SendException.permanent("invalid_destination", "twilio refused the destination (HTTP 400)");
        }
        return HttpCalls.field(HttpCalls.requireSuccess(response, name(), clock), "sid");
    }

    private static boolean isInvalidDestination(final String code) {
        try {
            return code != null && INVALID_DESTINATION_CODES.contains(Integer.parseInt(code));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String formEncode(final Map<String, String> form) {
        return form.entrySet().stream()
                .map(f -> URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
