package io.otppipeline.notifier;

import io.otppipeline.notifier.provider.SendException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one channel in configured order ({@code notifier.email.providers},
 * {@code notifier.sms.providers}): the first that takes the message wins. A provider whose retries ran out,
 * whose credentials were refused or whose circuit is open hands over to the next; a refusal of the message
 * itself ({@code GIVE_UP}) ends the chain.
 *
 * @param <M> the channel's message type
 */
final class ProviderChain<M> {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderChain.class);

    /**
     * What became of one message.
     *
     * @param provider the provider that took it, or the last one tried ({@code none} if the chain is empty)
     * @param messageId the provider's message id when sent, else {@code null}
     * @param failure why it was not sent, or {@code null} when sent or expired
     * @param expired whether the code expired before a provider took it
     */
    record Result(String provider, String messageId, SendException failure, boolean expired) {
    }

    private final String channel;
    private final List<ResilientProvider<M>> providers;

    ProviderChain(final String channel, final List<ResilientProvider<M>> providers) {
        this.channel = channel;
        this.providers = List.copyOf(providers);
    }

    List<ResilientProvider<M>> providers() {
        return providers;
    }

    /**
     * Tries each provider in turn until one takes {@code message}.
     *
     * @param deadline the code's expiry: no call is made at or after it
     * @param attempts incremented once per provider call made, across providers
     */
    Result send(final M message, final Instant deadline, final AtomicInteger attempts) {
        if (providers.isEmpty()) {
            return new Result("none", null,
                    SendException.permanent("not_configured", "no " + channel + " provider is configured"), false);
        }
        Result last = null;
        for (ResilientProvider<M> provider : providers) {
            try {
                return new Result(provider.name(), provider.send(message, deadline, attempts), null, false);
            } catch (ResilientProvider.CodeExpiredException e) {
                return new Result(provider.name(), null, null, true);
            } catch (SendException e) {
                last = new Result(provider.name(), null, e, false);
                if (e.disposition() == SendException.Disposition.GIVE_UP) {
                    return last;
                }
                LOG.warn("{} provider {} failed ({}); trying the next", channel, provider.name(), e.reason());
            }
        }
        return last;
    }
}
