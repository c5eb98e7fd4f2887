package io.otppipeline.processor.domain;

/**
 * One code sent to the user, remembered for the send limit and the resend cooldown.
 *
 * @param purpose purpose of the code
 * @param atMs when it was issued, epoch milliseconds
 */
public record SendRecord(String purpose, long atMs) {
}
