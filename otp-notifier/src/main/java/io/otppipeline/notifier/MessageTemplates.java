package io.otppipeline.notifier;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.otppipeline.notifier.provider.EmailMessage;
import io.otppipeline.notifier.provider.SmsMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Message templates per purpose and locale, rendered with JMustache (logic-less Mustache; HTML escaped in
 * {@code .html} templates only).
 *
 * <p>A template is {@code <locale>/<purpose>.<part>.mustache} with part {@code subject}, {@code text},
 * {@code html} or {@code sms}, looked up first in {@code notifier.templates.dir} (if set), then on the class
 * path under {@code templates/}. The first that exists wins, in this order: the requested locale
 * ({@code de-CH}), its language ({@code de}), the default locale ({@code notifier.templates.default.locale},
 * {@code en}); within each, the purpose, then {@code default}. Shipped: {@code en}, {@code de}, {@code fr}, with
 * purpose texts for {@code login}, {@code step_up}, {@code password_reset} and {@code lockout_notice} (no code: the
 * lockout notice, {@code minutes} until the lockout ends).
 *
 * <p>Variables: {@code code}, {@code minutes} (lifetime left, rounded up), {@code oneMinute},
 * {@code purpose}, {@code tenantId}, {@code lang}. The subject is rendered without {@code code} (a code in a
 * subject shows in lock-screen previews and mail logs) unless {@code notifier.templates.code.in.subject=true};
 * a subject template that uses it then fails at start-up.
 */
public final class MessageTemplates {

    /** Locales shipped on the class path. */
    public static final List<String> SHIPPED_LOCALES = List.of("en", "de", "fr");
    /** Purposes with their own shipped texts; any other purpose uses {@code default}. */
    public static final List<String> SHIPPED_PURPOSES = List.of("login", "step_up", "password_reset", "lockout_notice");

    private static final String DEFAULT_PURPOSE = "default";
    /** Templates of magic-link mails: {@code magic_link_<purpose>}, then {@code magic_link}. */
    private static final String MAGIC_LINK = "magic_link";
    private static final Mustache.Compiler TEXT = Mustache.compiler().escapeHTML(false);
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true);

    private final Path dir;
    private final String defaultLocale;
    private final boolean codeInSubject;
    /**
     * Template names looked up at most: each request's locale and purpose are the caller's choice, so a cache of
     * every name ever asked for (and of every miss) grew without bound (issue 32); the least recently used go.
     */
    static final int CACHED_NAMES = 1_024;

    /** Compiled templates (and misses) by name, least recently used evicted past {@link #CACHED_NAMES}. */
    private final Map<String, Optional<Template>> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, Optional<Template>> eldest) {
                    return size() > CACHED_NAMES;
                }
            });

    /**
     * @param dir operator's template directory, or {@code null}
     * @param defaultLocale fallback BCP 47 tag
     * @param codeInSubject whether subject templates may use {@code code}
     * @throws IllegalStateException if a template of a shipped locale or the default locale does not compile
     *     or its subject uses the code while that is not allowed
     */
    public MessageTemplates(final Path dir, final String defaultLocale, final boolean codeInSubject) {
        this.dir = dir;
        this.defaultLocale = normalise(defaultLocale);
        this.codeInSubject = codeInSubject;
        validate();
    }

    /**
     * Renders the e-mail for a code; the HTML part is left out when no HTML template exists.
     *
     * @throws MustacheException if a template is missing or uses a variable that does not exist
     */
    EmailMessage email(final Context c) {
        final String subject = render("subject", c, subjectScope(c)).strip();
        final String html = find("html", names(c), c.locale()).map(t -> t.execute(scope(c))).orElse(null);
        return new EmailMessage(c.otpId(), c.destination(), subject, render("text", c, scope(c)), html);
    }

    /**
     * Renders the SMS for a code.
     *
     * @throws MustacheException if the template is missing or uses a variable that does not exist
     */
    SmsMessage sms(final Context c) {
        return new SmsMessage(c.otpId(), c.destination(), render("sms", c, scope(c)).strip());
    }

    /**
     * What a message is rendered from. {@link #toString()} is redacted.
     *
     * @param otpId the code's id
     * @param tenantId tenant
     * @param purpose purpose name
     * @param locale requested BCP 47 tag, or {@code null}
     * @param destination address or phone number
     * @param code the code; {@code null} for a magic link or a lockout notice
     * @param minutes lifetime left in minutes, at least 1
     * @param link a magic link's URL (then the templates are {@code magic_link_<purpose>}, else
     *     {@code magic_link}), or {@code null}
     */
    record Context(String otpId, String tenantId, String purpose, String locale, String destination, String code,
                   long minutes, String link) {

        /** A code's context (no link). */
        Context(final String otpId, final String tenantId, final String purpose, final String locale,
                final String destination, final String code, final long minutes) {
            this(otpId, tenantId, purpose, locale, destination, code, minutes, null);
        }

        @Override
        public String toString() {
            return "Context[" + otpId + ", redacted]";
        }
    }

    private String render(final String part, final Context c, final Map<String, Object> scope) {
        return find(part, names(c), c.locale()).map(t -> t.execute(scope)).orElseThrow(() ->
                new MustacheException("no " + part + " template for purpose " + c.purpose() + " in any locale"));
    }

    /** The template names to try, most specific first. */
    private static List<String> names(final Context c) {
        return c.link() != null ? List.of(MAGIC_LINK + "_" + c.purpose(), MAGIC_LINK)
                : List.of(c.purpose(), DEFAULT_PURPOSE);
    }

    private Map<String, Object> scope(final Context c) {
        final Map<String, Object> scope = subjectScope(c);
        scope.put("code", c.code());
        scope.put("link", c.link());
        return scope;
    }

    private Map<String, Object> subjectScope(final Context c) {
        final Map<String, Object> scope = new HashMap<>();
        scope.put("minutes", c.minutes());
        scope.put("oneMinute", c.minutes() == 1);
        scope.put("purpose", c.purpose());
        scope.put("tenantId", c.tenantId());
        scope.put("lang", chain(c.locale()).get(0));
        if (codeInSubject) {
            scope.put("code", c.code());
        }
        return scope;
    }

    private Optional<Template> find(final String part, final List<String> names, final String locale) {
        for (String tag : chain(locale)) {
            for (String p : names) {
                final Optional<Template> t = load(tag + "/" + p + "." + part + ".mustache", "html".equals(part));
                if (t.isPresent()) {
                    return t;
                }
            }
        }
        return Optional.empty();
    }

    private List<String> chain(final String locale) {
        final Set<String> tags = new LinkedHashSet<>();
        if (locale != null && !locale.isBlank()) {
            final String tag = normalise(locale);
            tags.add(tag);
            tags.add(Locale.forLanguageTag(tag).getLanguage());
        }
        tags.add(defaultLocale);
        tags.remove("");
        return new ArrayList<>(tags);
    }

    private static String normalise(final String tag) {
        return Locale.forLanguageTag(tag.replace('_', '-')).toLanguageTag();
    }

    private Optional<Template> load(final String name, final boolean html) {
        final Optional<Template> cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        // compiled outside the lock: two threads may compile one template at once, and the second put wins
        final Optional<Template> loaded = read(name).map(source -> (html ? HTML : TEXT).compile(source));
        cache.put(name, loaded);
        return loaded;
    }

    /** Names held in the cache now. */
    int cachedNames() {
        return cache.size();
    }

    private Optional<String> read(final String name) {
        if (name.contains("..")) {
            return Optional.empty();
        }
        try {
            if (dir != null && Files.isRegularFile(dir.resolve(name))) {
                return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
            }
            try (InputStream in = MessageTemplates.class.getResourceAsStream("/templates/" + name)) {
                return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(),
                        StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read template " + name, e);
        }
    }

    private void validate() {
        final Set<String> locales = new LinkedHashSet<>(SHIPPED_LOCALES);
        locales.add(defaultLocale);
        for (String locale : locales) {
            for (String purpose : SHIPPED_PURPOSES) {
                final Context sample = new Context("validation", "tenant", purpose, locale, "x", "000000", 10);
                final Context link = new Context("validation", "tenant", purpose, locale, "x", null, 10,
                        "https://example.com/l/x");
                try {
                    email(sample);
                    sms(sample);
                    email(link);
                } catch (MustacheException e) {
                    throw new IllegalStateException("template for " + purpose + "/" + locale + " does not render"
                            + (codeInSubject ? "" : " (is the code used in a subject?)") + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
