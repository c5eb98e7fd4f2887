package io.otppipeline.runtime.kafka;

import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * How every Kafka client of a service reaches the cluster: the one place where bootstrap servers, TLS and SASL
 * settings enter a producer, consumer, admin client or Kafka Streams instance (docs/OPERATIONS.md, "Kafka security").
 *
 * <p>Settings (keys in the service's properties file or {@code OTP_*} variables):
 * <ul>
 *   <li>{@code kafka.bootstrap.servers}: required; {@code host:port[,host:port…]}</li>
 *   <li>{@code kafka.client.<kafka client setting>}: passed with the prefix removed to every client of the
 *       service, for example {@code kafka.client.security.protocol=SASL_SSL},
 *       {@code kafka.client.sasl.mechanism=SCRAM-SHA-512}, {@code kafka.client.ssl.truststore.location=…}.
 *       Secrets stay in files: {@code sasl.jaas.config} and every {@code *.password} must take their secret
 *       through a Kafka config provider ({@code kafka.client.config.providers=file},
 *       {@code kafka.client.config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider},
 *       then {@code password="${file:/run/secrets/kafka.properties:password}"}).</li>
 *   <li>{@code kafka.replication.factor}: replication factor of topics created on start; default 1</li>
 *   <li>{@code kafka.topics.create}: whether the service creates missing topics on start; default {@code true}.
 *       Set {@code false} where ACLs deny services {@code CREATE} and an administrator creates the topics
 *       ({@code ./otp kafka topics}).</li>
 * </ul>
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param clientSettings Kafka client settings added to every client, sorted, prefix removed
 * @param replicationFactor replication factor of topics created on start
 * @param createTopics whether {@link #ensureTopics()} creates missing topics
 */
public record KafkaConnection(String bootstrapServers, SortedMap<String, String> clientSettings,
                              short replicationFactor, boolean createTopics) {

    /** Prefix of the passthrough settings. */
    public static final String CLIENT_PREFIX = "kafka.client.";

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.string("kafka.bootstrap.servers", null,
            "host:port[,host:port...] of the Kafka cluster").required();
    public static final Setting<Long> REPLICATION_FACTOR = Setting.integer("kafka.replication.factor", 1, "replicas",
            "replication factor of topics created on start and of Kafka Streams' internal topics (3 in production, "
                    + "with min.insync.replicas=2 on the brokers)").check(Setting.between(1, 32767), "between 1 and 32767");
    public static final Setting<Boolean> TOPICS_CREATE = Setting.flag("kafka.topics.create", true, "whether a service "
            + "creates missing topics on start; false where ACLs deny services CREATE and ./otp kafka topics does it");

    /** Every definition above; {@link #CLIENT_PREFIX} keys pass through. */
    public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, REPLICATION_FACTOR, TOPICS_CREATE);

    /**
     * Client settings the services set themselves because exactly-once, ordering or the reply path depend on
     * them; passing one through would silently weaken a guarantee, so it is refused.
     */
    static final Set<String> RESERVED = Set.of("bootstrap.servers", "group.id", "group.instance.id",
            "isolation.level", "enable.auto.commit", "auto.offset.reset", "enable.idempotence", "acks",
            "transactional.id", "processing.guarantee", "application.id", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "max.in.flight.requests.per.connection");

    /** Per-client prefixes Kafka Streams understands; under {@code kafka.client.} every client gets one setting. */
    private static final List<String> CLIENT_PREFIXES = List.of("producer.", "consumer.", "main.consumer.",
            "restore.consumer.", "global.consumer.", "admin.");

    /** Every client setting Kafka itself types PASSWORD (key store and trust store passwords, PEM keys, …). */
    private static final Set<String> PASSWORD_KEYS = passwordKeys();

    /** A JAAS option that holds a secret ({@code password}, {@code clientSecret}, {@code …passphrase}) and its value. */
    private static final Pattern JAAS_SECRET = Pattern.compile(
            "(?i)\\b[a-z0-9_.]*(?:password|secret|passphrase)[a-z0-9_.]*\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s;]+))");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'");

    /**
     * Checks the passthrough.
     *
     * @throws IllegalStateException if a reserved setting is passed through, or a secret is written in clear
     *     instead of through a config provider
     */
    public KafkaConnection {
        clientSettings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(clientSettings));
        checkPassThrough(CLIENT_PREFIX, clientSettings, false);
    }

    /**
     * Checks settings a service passes to Kafka clients as they are ({@code kafka.client.*}, {@code
     * processor.streams.*}, {@code notifier.consumer.*}, {@code audit.consumer.*}): none of the {@link #RESERVED} ones
     * (with or without a per-client prefix such as {@code producer.}), and no secret in clear: every setting Kafka
     * types PASSWORD, and every JAAS option named like a password, secret or passphrase, must be a config provider
     * reference ({@code ${file:/run/secrets/kafka.properties:password}}).
     *
     * @param prefix the settings' prefix, for messages
     * @param settings the keys with the prefix removed, and their values
     * @param clientPrefixes whether per-client prefixes are allowed (Kafka Streams' {@code producer.linger.ms})
     * @throws IllegalStateException naming the first refused key (never its value)
     */
    public static void checkPassThrough(final String prefix, final Map<String, String> settings,
                                        final boolean clientPrefixes) {
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            final String key = e.getKey();
            String bare = key;
            for (String clientPrefix : CLIENT_PREFIXES) {
                if (key.startsWith(clientPrefix)) {
                    if (!clientPrefixes) {
                        throw new IllegalStateException("setting " + prefix + key + " is not allowed: every client "
                                + "of the service gets the same " + prefix + "* settings");
                    }
                    bare = key.substring(clientPrefix.length());
                }
            }
            if (RESERVED.contains(bare)) {
                throw new IllegalStateException("setting " + prefix + key + " is not allowed: the services "
                        + "set " + bare + " themselves (exactly-once and the reply path depend on it)");
            }
            if (holdsClearSecret(bare, e.getValue())) {
                throw new IllegalStateException("setting " + prefix + key + " holds a secret in clear; "
                        + "read it from a file through a config provider, for example "
                        + "password=\"${file:/run/secrets/kafka.properties:password}\" (docs/OPERATIONS.md)");
            }
        }
    }

    private static boolean holdsClearSecret(final String key, final String value) {
        if (key.endsWith("jaas.config")) { // typed PASSWORD too, but holds a whole login line: check its options
            final String outsideQuotes = QUOTED.matcher(value).replaceAll("''");
            if (outsideQuotes.contains("/*") || outsideQuotes.contains("//")) {
                return true; // a comment could hide an option from this check; a JAAS line needs none
            }
            final Matcher m = JAAS_SECRET.matcher(value);
            while (m.find()) {
                final String secret = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                if (!secret.strip().startsWith("${")) {
                    return true;
                }
            }
            return false;
        }
        return (PASSWORD_KEYS.contains(key) || key.endsWith(".password") || key.endsWith(".secret"))
                && !value.strip().startsWith("${");
    }

    private static Set<String> passwordKeys() {
        final Set<String> keys = new java.util.HashSet<>();
        for (ConfigDef def : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef())) {
            def.configKeys().forEach((name, k) -> {
                if (k.type == ConfigDef.Type.PASSWORD) {
                    keys.add(name);
                }
            });
        }
        return Set.copyOf(keys);
    }

    /** Bootstrap servers and the names of the client settings, never their values. */
    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + ", client settings " + clientSettings.keySet()
                + ", replication factor " + replicationFactor + ", create topics " + createTopics + "]";
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or refused setting
     */
    public static KafkaConnection from(final Settings s) {
        return new KafkaConnection(BOOTSTRAP_SERVERS.read(s), s.passThrough(CLIENT_PREFIX),
                REPLICATION_FACTOR.read(s).shortValue(), TOPICS_CREATE.read(s));
    }

    /** A plaintext connection without client settings (tests, benchmarks, the local launcher). */
    public static KafkaConnection plaintext(final String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, new TreeMap<>(), (short) 1, true);
    }

    /**
     * Fresh client properties: bootstrap servers plus the passthrough; the caller adds its own settings.
     *
     * @return a new, mutable {@link Properties}
     */
    public Properties properties() {
        final Properties p = new Properties();
        p.putAll(clientSettings);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /**
     * Creates the topics of {@link Topics#all()} that are missing, unless {@code kafka.topics.create=false}.
     *
     * @throws IllegalStateException if the broker refuses a topic for another reason than "exists"
     */
    public void ensureTopics() {
        if (createTopics) {
            TopicAdmin.ensureTopics(this);
        }
    }
}
