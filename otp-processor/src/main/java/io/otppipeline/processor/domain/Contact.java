package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.crypto.SealedBox;

/**
 * Where the user's last code went, for a lockout notice ({@link LockoutNotices}): the destination exactly as the
 * code request carried it, sealed under the command keyring with the request's command id as associated data, so
 * the state store and its changelog never hold it in clear. After the command keyring's key that sealed it is
 * removed (rotation), it can no longer be opened and no notice is sent.
 *
 * @param channel {@code email} or {@code sms}
 * @param destination the request's sealed destination
 * @param sealedFor the command id the destination was sealed for (its associated data)
 * @param locale the request's locale, or {@code null}
 */
public record Contact(Channel channel, SealedBox destination, String sealedFor, String locale) {
}
