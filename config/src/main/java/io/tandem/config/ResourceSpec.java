package io.tandem.config;

/** One resource of a haresources line, e.g. {@code IPaddr2::198.51.100.10/24/eth0} or {@code postfix}. */
public sealed interface ResourceSpec permits VipSpec, NamedResourceSpec {
    /** The resource as written in haresources. */
    String text();
}
