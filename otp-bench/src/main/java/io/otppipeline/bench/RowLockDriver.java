package io.otppipeline.bench;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Path (a) for the row-lock design: {@code threads} callers run the operations in order, each a transaction
 * through the pool (more callers than connections, so that the pool is never idle and the locks are contended
 * as under real load). Latency = call to commit.
 */
final class RowLockDriver {

    private static final Logger LOG = LoggerFactory.getLogger(RowLockDriver.class);

    @FunctionalInterface
    private interface Call {
        String run(int index) throws SQLException;
    }

    private final RowLockDesign design;
    private final String tenant;
    private final int threads;
    private final Map<String, String> codes = new ConcurrentHashMap<>();

    RowLockDriver(final RowLockDesign design, final String tenant, final int threads) {
        this.design = design;
        this.tenant = tenant;
        this.threads = threads;
    }

    /** Codes issued so far, by user id. */
    Map<String, String> codes() {
        return codes;
    }

    /** One issuance transaction per user. */
    Measurement issue(final List<String> users) throws InterruptedException {
        return run(users.size(), i -> {
            final RowLockDesign.Answer a = design.issue(tenant, users.get(i), Ops.PURPOSE,
                    Ops.destination(users.get(i)));
            if (a.code() != null) {
                codes.put(users.get(i), a.code());
            }
            return a.status();
        });
    }

    /** One verification transaction per operation, with the codes this driver issued. */
    Measurement verify(final List<Ops.Verify> ops) throws InterruptedException {
        return run(ops.size(), i -> design.verify(tenant, ops.get(i).userId(), Ops.PURPOSE, ops.get(i).code(codes)));
    }

    private Measurement run(final int n, final Call call) throws InterruptedException {
        final Measurement m = new Measurement();
        final AtomicInteger next = new AtomicInteger();
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Thread worker = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    final long start = System.nanoTime();
                    m.started(start);
                    try {
                        final String decision = call.run(i);
                        m.completed(start, System.nanoTime(), decision);
                    } catch (SQLException e) {
                        LOG.warn("row-lock call failed: {}", e.getMessage());
                        m.failed(start, System.nanoTime(), "SQLException");
                    }
                }
            }, "row-lock-caller-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join();
        }
        return m;
    }
}
