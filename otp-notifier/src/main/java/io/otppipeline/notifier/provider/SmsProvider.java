package io.otppipeline.notifier.provider;

/** A provider of the SMS channel. */
public interface SmsProvider extends Provider<SmsMessage> {
}
