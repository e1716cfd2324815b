package io.tandem.linux;

import com.sun.jna.Memory;

/**
 * What Heartbeat's {@code realtime on} did: lets the threads that send and judge heartbeats run
 * ahead of everything else on the host, so a busy CPU (a compile, a backup, the JIT of a
 * starting JVM) cannot make a live director look dead.
 *
 * <p>{@link #enterRoundRobin} puts the <em>calling thread</em> into {@code SCHED_RR} (Linux
 * schedules threads, so the rest of the JVM is unaffected). The loops that use it sleep in epoll,
 * so they cannot starve the host. {@link #lockMemory} keeps the process's pages in RAM as they are
 * touched ({@code MCL_ONFAULT}), so a heartbeat never waits for swap without pinning the JVM's
 * large untouched reservations.
 */
public final class Realtime {
    private Realtime() {
    }

    /**
     * Moves the calling thread to {@code SCHED_RR} at {@code priority} (1..99, clamped to the
     * system's maximum).
     *
     * @throws LinuxException EPERM without CAP_SYS_NICE, or when a cgroup allows no realtime runtime
     */
    public static void enterRoundRobin(int priority) throws LinuxException {
        setRoundRobin(0, priority);
    }

    /**
     * Moves every thread of this process whose name (as {@code /proc/self/task/TID/comm} shows it)
     * passes {@code names} to {@code SCHED_RR} at {@code priority}. Used for the JVM's own "VM
     * Thread" and GC threads: when they run a safepoint every Java thread waits for them, so they
     * must not queue behind the host's ordinary work either.
     *
     * @return the names of the threads moved
     */
    public static java.util.List<String> enterRoundRobin(java.util.function.Predicate<String> names, int priority)
            throws LinuxException {
        java.util.List<String> moved = new java.util.ArrayList<>();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) list::iterator) {
                String comm;
                try {
                    comm = java.nio.file.Files.readString(task.resolve("comm")).strip();
                } catch (java.io.IOException e) {
                    continue; // the thread ended meanwhile
                }
                if (names.test(comm)) {
                    int tid = Integer.parseInt(task.getFileName().toString());
                    setRoundRobin(tid, priority);
                    moved.add(comm);
                }
            }
        } catch (java.io.IOException e) {
            throw new LinuxException("list " + tasks, Errno.ENOENT, e.getMessage());
        }
        return moved;
    }

    private static void setRoundRobin(int tid, int priority) throws LinuxException {
        int max = LibC.sched_get_priority_max(LibC.SCHED_RR);
        int prio = Math.max(1, Math.min(priority, max > 0 ? max : 99));
        Memory param = new Memory(4);
        param.setInt(0, prio);
        if (LibC.sched_setscheduler(tid, LibC.SCHED_RR, param) < 0) {
            throw LinuxException.lastError("sched_setscheduler(tid " + tid + ", SCHED_RR, priority " + prio + ")");
        }
    }

    /** Locks the process's memory as it is touched: current pages now, future ones on first use. */
    public static void lockMemory() throws LinuxException {
        if (LibC.mlockall(LibC.MCL_CURRENT | LibC.MCL_FUTURE | LibC.MCL_ONFAULT) < 0) {
            throw LinuxException.lastError("mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT)");
        }
    }
}
