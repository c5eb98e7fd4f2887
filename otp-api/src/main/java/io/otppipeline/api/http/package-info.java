/**
 * otp-api's HTTP plumbing, shared by every route: JSON answers ({@link io.otppipeline.api.http.Responses},
 * {@link io.otppipeline.api.http.HttpAnswer}), RFC 9457 problems and the error handler, the request-body
 * deadline, the server metrics and the API keys.
 *
 * <p>Imports no other package of otp-api: every wing builds on it, and it on none of them.
 */
package io.otppipeline.api.http;
