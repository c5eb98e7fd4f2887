package io.otppipeline.notifier.provider;

/** A provider of the e-mail channel. */
public interface EmailProvider extends Provider<EmailMessage> {
}
