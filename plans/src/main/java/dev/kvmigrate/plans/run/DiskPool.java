package dev.kvmigrate.plans.run;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk transfers of all VMs, a fixed number at a time, largest disk first: the big transfers start early
 * and the small ones fill the gaps, which shortens the whole run.
 */
final class DiskPool implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final AtomicLong order = new AtomicLong();

    private static final class Task<T> extends FutureTask<T> implements Comparable<Task<?>> {
        final long size;
        final long seq;

        Task(Callable<T> c, long size, long seq) {
            super(c);
            this.size = size;
            this.seq = seq;
        }

        @Override
        public int compareTo(Task<?> o) {
            int bySize = Long.compare(o.size, size);
            return bySize != 0 ? bySize : Long.compare(seq, o.seq);
        }
    }

    DiskPool(int threads) {
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "plan-disk");
            t.setDaemon(true);
            return t;
        });
    }

    <T> Future<T> submit(DiskWork disk, Callable<T> body) {
        Task<T> t = new Task<>(body, disk.virtualSize(), order.getAndIncrement());
        pool.execute(t);
        return t;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
