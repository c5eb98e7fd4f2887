package io.otppipeline.schemas.command;

/**
 * The end user's client as the calling backend saw it. Both fields are optional.
 *
 * @param ip IPv4 or IPv6 literal
 * @param userAgent HTTP User-Agent, at most 512 characters
 */
public record ClientInfo(String ip, String userAgent) {
}
