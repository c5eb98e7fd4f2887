package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.user.unlocked}: an administrator cleared the user's lockout and failure window.
 *
 * @param commandId the unlock command
 * @param actor id of the admin API key (not the key)
 * @param wasLocked whether a lockout was running
 * @param level the lockout level kept after the unlock (it decays on its own)
 * @param client client reported by the admin tool, if any
 */
public record UserUnlockedData(String commandId, String actor, Boolean wasLocked, Integer level,
                               ClientInfo client) {
}
