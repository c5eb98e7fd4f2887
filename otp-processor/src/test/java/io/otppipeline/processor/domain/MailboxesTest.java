package io.otppipeline.processor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which spellings of an address are one mailbox ({@link Mailboxes}). */
class MailboxesTest {

    @Test
    void shouldFoldCasePlusTagAndGmailDotsWhenTenantCountsMailboxes() {
        final Mailboxes m = Mailboxes.DEFAULTS;

        assertThat(m.canonical("acme", "Victim+news@Example.com")).isEqualTo("victim@example.com");
        assertThat(m.canonical("acme", "v.i.c.t.i.m+1@gmail.com")).isEqualTo("victim@gmail.com");
        assertThat(m.canonical("acme", "v.ictim@googlemail.com")).isEqualTo("victim@googlemail.com");
        assertThat(m.canonical("acme", "v.ictim@example.com")).as("dots count elsewhere")
                .isEqualTo("v.ictim@example.com");
        assertThat(m.canonical("acme", "+only@example.com")).as("no base address: kept")
                .isEqualTo("+only@example.com");
    }

    @Test
    void shouldOnlyLowerCaseWhenTenantCountsAddressesAsTyped() {
        final Mailboxes literal = new Mailboxes(new TreeSet<>(Set.of("gmail.com")), new TreeSet<>(Set.of("acme")));

        assertThat(literal.canonical("acme", "V.ictim+1@Gmail.com")).isEqualTo("v.ictim+1@gmail.com");
        assertThat(literal.canonical("globex", "V.ictim+1@Gmail.com")).isEqualTo("victim@gmail.com");
    }
}
