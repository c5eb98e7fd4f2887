/**
 * The Twilio Verify v2 facade ({@code /v2}): its routes, its Service configuration (with its settings) and its
 * error bodies; docs/TWILIO.md lists what it covers.
 *
 * <p>May import {@code http}, {@code bus} and {@code v1} (a Verification is a code request and a Check a
 * verification underneath); not the service shell.
 */
package io.otppipeline.api.twilio;
