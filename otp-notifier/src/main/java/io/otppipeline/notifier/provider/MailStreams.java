package io.otppipeline.notifier.provider;

import org.eclipse.angus.mail.util.MailStreamProvider;

/**
 * Names Jakarta Mail's stream provider once, so that building or parsing a message does not scan the class path.
 *
 * <p>Jakarta Mail API 2.1 looks up its {@code jakarta.mail.util.StreamProvider} on every {@code MimeBodyPart},
 * {@code InternetHeaders}, {@code Multipart} and {@code MimeUtility} encoder it creates, and without the system
 * property {@value #PROPERTY} that lookup is a {@code ServiceLoader} scan of every jar on the class path
 * (jakartaee/mail-api issues 699 and 861, open in 2.1.5). With the property set, {@code FactoryFinder} loads the named
 * class instead: a class-loader cache hit. A profile of {@code ./otp local} issuing 250 codes a second found those
 * scans in about one sample in eight of the whole JVM, in the notifier and in the local mail sink (docs/BENCHMARKS.md).
 * The provider named is Angus Mail's, the implementation this project ships; a value already set is kept.
 */
public final class MailStreams {

    /** The system property Jakarta Mail's {@code FactoryFinder} reads first. */
    public static final String PROPERTY = "jakarta.mail.util.StreamProvider";

    private MailStreams() {
    }

    /** Sets {@value #PROPERTY} to Angus Mail's provider unless it is set already; idempotent, thread-safe. */
    public static void pinProvider() {
        synchronized (MailStreams.class) {
            if (System.getProperty(PROPERTY) == null) {
                System.setProperty(PROPERTY, MailStreamProvider.class.getName());
            }
        }
    }
}
