package io.otppipeline.api.v1;

import io.otppipeline.schemas.command.ClientInfo;

/** Bodies of the authenticator-factor calls (docs/API.md, "Authenticator apps"). */
final class FactorRequests {

    private FactorRequests() {
    }

    /**
     * Body of {@code POST /v1/users/{userId}/factors/totp} and {@code .../hotp}; may be empty.
     *
     * @param client optional end-user client
     */
    record Enrol(ClientInfo client) {
    }

    /**
     * Body of {@code POST /v1/users/{userId}/factors/{factorId}/confirm}.
     *
     * @param code the code the app shows
     * @param client optional end-user client
     */
    record Confirm(String code, ClientInfo client) {

        @Override
        public String toString() {
            return "Confirm[redacted]";
        }
    }

    /**
     * Body of {@code POST /v1/factors/verify}.
     *
     * @param userId the tenant's user id
     * @param code the code the app shows
     * @param factorId optional: check only this factor (else every active factor of the user)
     * @param client optional end-user client
     */
    record Verify(String userId, String code, String factorId, ClientInfo client) {

        @Override
        public String toString() {
            return "Verify[userId=" + userId + ", factorId=" + factorId + "]";
        }
    }
}
