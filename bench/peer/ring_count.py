#!/usr/bin/env python3
"""Count a table's rows the way people script it today with the DataStax Python driver.

The Murmur3 ring is cut into equal slices, one process per slice (multiprocessing), and each
process runs SELECT count(*) ... WHERE token(pk) > ? AND token(pk) <= ? on its slice, paged with a
fetch size of 5000; the counts are summed. This is the benchmark's hand-written peer: written
plainly, as a user would, not tuned.

    ring_count.py --host 127.0.0.51 --table ks.t [--where "x = 1"] [--processes 8]
    ring_count.py --print-slices 8     # the slices only (no driver needed): start,end per line
"""
import argparse
import multiprocessing
import os
import sys

MIN_TOKEN = -(2**63)
MAX_TOKEN = 2**63 - 1
FETCH_SIZE = 5000


def slices(n):
    """n equal slices (start, end] of the Murmur3 ring, which together cover it once.

    Murmur3 never gives a key the minimum token, so (MIN_TOKEN, MAX_TOKEN] holds every key.
    """
    width = (MAX_TOKEN - MIN_TOKEN) // n
    bounds = [MIN_TOKEN + i * width for i in range(n)] + [MAX_TOKEN]
    return list(zip(bounds[:-1], bounds[1:]))


def count_slice(task):
    """Counts the rows of one slice on a connection of its own (one per process)."""
    host, keyspace, table, where, start, end = task
    from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile

    # A slice of a big table takes minutes; and the driver's 2 s and 5 s for connecting and reading
    # the schema are too short on a busy machine (the benchmark gives cqlsh 60 s too).
    profile = ExecutionProfile(request_timeout=3600)
    cluster = Cluster([host], execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      connect_timeout=60, control_connection_timeout=60)
    try:
        session = cluster.connect()
        key = cluster.metadata.keyspaces[keyspace].tables[table].partition_key
        token = "token(%s)" % ", ".join('"%s"' % c.name for c in key)
        cql = 'SELECT count(*) FROM "%s"."%s" WHERE %s > ? AND %s <= ?' % (keyspace, table, token, token)
        if where:
            cql += " AND %s ALLOW FILTERING" % where
        stmt = session.prepare(cql)
        stmt.fetch_size = FETCH_SIZE
        return sum(row[0] for row in session.execute(stmt, (start, end)))
    finally:
        cluster.shutdown()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--table", help="keyspace.table")
    p.add_argument("--where", default="", help="extra conditions (sent with ALLOW FILTERING)")
    p.add_argument("--processes", type=int, default=(os.cpu_count() or 1) * 4)
    p.add_argument("--print-slices", type=int, metavar="N", help="print N slices and exit")
    args = p.parse_args()
    if args.print_slices is not None:
        if args.print_slices < 1:
            p.error("--print-slices takes a count of at least 1")
        for start, end in slices(args.print_slices):
            print("%d,%d" % (start, end))
        return
    if not args.table or "." not in args.table:
        p.error("--table takes keyspace.table")
    if args.processes < 1:
        p.error("--processes takes a count of at least 1")
    keyspace, table = args.table.split(".", 1)
    tasks = [(args.host, keyspace, table, args.where, s, e) for s, e in slices(args.processes)]
    with multiprocessing.Pool(args.processes) as pool:
        print(sum(pool.map(count_slice, tasks, chunksize=1)))


if __name__ == "__main__":
    sys.exit(main())
