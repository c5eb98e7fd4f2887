package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.Destinations.PhoneRoute;

/**
 * Where an SMS destination lies, as {@code data.destination} of public events: what a fraud consumer keys on and what
 * the SMS-pumping runbook counts (docs/RUNBOOKS.md, "SMS pumping"; docs/EVENTS.md). Taken from the number by
 * Google's libphonenumber; neither field identifies a person (one calling code covers a country or more).
 *
 * @param country ISO 3166-1 alpha-2 region of the number, for example {@code GB}; {@code null} (absent) for
 *     non-geographic numbers (libphonenumber's region {@code 001}: calling codes such as 800, 870 or 882)
 * @param callingCode ITU-T E.164 country calling code, for example {@code 44}
 */
public record DestinationInfo(String country, Integer callingCode) {

    /**
     * The destination info of a number's route, or {@code null} when there is none to give: no route (an e-mail
     * address) or a number libphonenumber could not place ({@link PhoneRoute#UNKNOWN}).
     */
    public static DestinationInfo of(final PhoneRoute route) {
        if (route == null || route.callingCode() == 0) {
            return null;
        }
        final boolean geographic = route.region().length() == 2 && !PhoneRoute.UNKNOWN_REGION.equals(route.region());
        return new DestinationInfo(geographic ? route.region() : null, route.callingCode());
    }
}
