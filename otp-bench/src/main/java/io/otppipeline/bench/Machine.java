package io.otppipeline.bench;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;

/**
 * The machine a run was measured on.
 *
 * @param cpu processor model as the OS reports it
 * @param logicalCores logical processors
 * @param memoryGiB physical memory, in GiB
 * @param os operating system and version
 * @param jvm Java runtime vendor and version of the benchmark and the services
 * @param kafka Kafka version (broker and clients)
 * @param postgres PostgreSQL server version
 */
public record Machine(String cpu, int logicalCores, double memoryGiB, String os, String jvm, String kafka,
                      String postgres) {

    /** Reads this machine's description; {@code postgres} comes from the server. */
    static Machine describe(final String postgresVersion) {
        final SystemInfo si = new SystemInfo();
        final CentralProcessor cpu = si.getHardware().getProcessor();
        return new Machine(cpu.getProcessorIdentifier().getName().strip(), cpu.getLogicalProcessorCount(),
                Math.round(si.getHardware().getMemory().getTotal() / 1073741824.0 * 10) / 10.0,
                si.getOperatingSystem().toString(),
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
                org.apache.kafka.common.utils.AppInfoParser.getVersion(), postgresVersion);
    }
}
