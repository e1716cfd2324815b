/**
 * IPVS's schedulers (rr, wrr, lc, wlc, sh, dh, sed, nq, mh), each as the kernel defines it, over
 * a {@link io.tandem.director.sched.ServerSet}. A pick never allocates and never returns a
 * server of weight 0 or one taken out of the service; when no server qualifies it returns
 * {@link io.tandem.director.sched.Scheduler#NO_SERVER} and the caller uses the fallback server.
 */
package io.tandem.director.sched;
