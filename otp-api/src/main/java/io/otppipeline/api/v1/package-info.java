/**
 * The project's own API, {@code /v1}: the routes ({@link io.otppipeline.api.v1.OtpRoutes}), the request records
 * and their validation, factor enrolment, and how a reply becomes an HTTP answer
 * ({@link io.otppipeline.api.v1.ReplyAnswers}); docs/API.md documents it.
 *
 * <p>May import {@code http} and {@code bus}; nothing above them.
 */
package io.otppipeline.api.v1;
