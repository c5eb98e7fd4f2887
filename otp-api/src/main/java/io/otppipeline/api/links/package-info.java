/**
 * Magic links: the routes that request and confirm one, the confirm page a browser sees, and the per-tenant
 * allow-list of redirect URLs (with its setting).
 *
 * <p>May import {@code http}, {@code bus} and {@code v1} (a link request is validated and answered as a code
 * request is); not the service shell.
 */
package io.otppipeline.api.links;
