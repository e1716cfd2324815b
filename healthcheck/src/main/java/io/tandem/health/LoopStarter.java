package io.tandem.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands work to one Netty event loop in batches: the monitor starts hundreds of checks in one
 * pass, and each would otherwise be a task of its own with a wake-up of the loop (an
 * {@code eventfd} write and a context switch). Here the first piece of work after a drain
 * schedules one task; the rest ride along. Work runs on the loop in submission order.
 */
final class LoopStarter {
    private final int index;
    private final EventLoop loop;
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    private LoopStarter(int index, EventLoop loop) {
        this.index = index;
        this.loop = loop;
    }

    /** Position of this loop in its {@link Ring}. */
    int index() {
        return index;
    }

    /** Runs {@code work} on the loop soon; from any thread. */
    void submit(Runnable work) {
        pending.add(work);
        if (!scheduled.getAndSet(true)) {
            loop.execute(drain);
        }
    }

    private void drain() {
        scheduled.set(false);
        Runnable r;
        while ((r = pending.poll()) != null) {
            r.run();
        }
    }

    /** The starters of every loop of a group, taken in turn. */
    static final class Ring {
        private final LoopStarter[] starters;
        private final AtomicInteger next = new AtomicInteger();

        Ring(EventLoopGroup group) {
            List<LoopStarter> list = new ArrayList<>();
            for (EventExecutor e : group) {
                list.add(new LoopStarter(list.size(), (EventLoop) e));
            }
            this.starters = list.toArray(new LoopStarter[0]);
        }

        LoopStarter next() {
            return starters.length == 1 ? starters[0] : starters[Math.floorMod(next.getAndIncrement(), starters.length)];
        }

        /** {@code template} bound to each loop in turn: a channel registers on the loop that creates it, at once. */
        Bootstrap[] bind(Bootstrap template) {
            Bootstrap[] out = new Bootstrap[starters.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = template.clone(starters[i].loop);
            }
            return out;
        }
    }
}
