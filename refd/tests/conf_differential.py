#!/usr/bin/python3
"""Differential test: supervisord's own parser against refd's.

For every <name>.conf in the golden directory, load it with
supervisor.options.ServerOptions (Debian's supervisord 4.2.5, through
realize(['-c', file]) -- nothing is started, no socket is bound) and with
refd's conf-dump, and compare: both accept and print the same summary, or
both reject with the same message. A config may name extra command-line
options in a first line "; args: -u nobody". A config whose first line is
"; differs: <why>" is one of refd's deliberate differences (docs/compat.md):
supervisord must accept it and refd must reject it.

supervisor_twiddler is not packaged for Debian; a stub module with its two
entry points stands in for it, so configs that name them resolve as they
do where the plugin is installed.

usage: conf_differential.py CONF_DUMP DIR [NAME...]
"""
import io
import os
import subprocess
import sys
import types


def install_twiddler_stub():
    pkg = types.ModuleType('supervisor_twiddler')
    pkg.__path__ = []
    rpc = types.ModuleType('supervisor_twiddler.rpcinterface')
    res = types.ModuleType('supervisor_twiddler.resulthandler')

    def make_twiddler_rpcinterface(supervisord, **config):
        return None

    def stdin_write_handler(event, response):
        return None

    make_twiddler_rpcinterface.__module__ = rpc.__name__
    stdin_write_handler.__module__ = res.__name__
    rpc.make_twiddler_rpcinterface = make_twiddler_rpcinterface
    res.stdin_write_handler = stdin_write_handler
    pkg.rpcinterface = rpc
    pkg.resulthandler = res
    sys.modules[pkg.__name__] = pkg
    sys.modules[rpc.__name__] = rpc
    sys.modules[res.__name__] = res


class Usage(Exception):
    pass


def b(v):
    return 'true' if v else 'false'


def log_line(ch, p):
    from supervisor.datatypes import Automatic
    lf = getattr(p, ch + '_logfile')
    if lf is Automatic:
        name = 'AUTO'
    elif lf is None:
        name = 'NONE'
    else:
        name = repr(lf)
    return ('    %s logfile=%s maxbytes=%d backups=%d capture_maxbytes=%d events=%s syslog=%s'
            % (ch, name, getattr(p, ch + '_logfile_maxbytes'),
               getattr(p, ch + '_logfile_backups'),
               getattr(p, ch + '_capture_maxbytes'),
               b(getattr(p, ch + '_events_enabled')), b(getattr(p, ch + '_syslog'))))


def summary(o):
    from supervisor import datatypes, options, events
    out = []
    sd = o.configroot.supervisord
    out.append('supervisord logfile=%r pidfile=%r logfile_maxbytes=%d logfile_backups=%d '
               'loglevel=%d umask=%o' % (o.logfile, o.pidfile, o.logfile_maxbytes,
                                         o.logfile_backups, o.loglevel, o.umask & 0o777))
    out.append('supervisord nodaemon=%s silent=%s minfds=%d minprocs=%d nocleanup=%s strip_ansi=%s'
               % (b(o.nodaemon), b(o.silent), o.minfds, o.minprocs, b(o.nocleanup),
                  b(o.strip_ansi)))
    line = 'supervisord childlogdir=%r identifier=%r directory=%s user=%s' % (
        o.childlogdir, o.identifier,
        'none' if o.directory is None else repr(o.directory),
        'none' if o.user is None else repr(o.user))
    if o.user is not None:
        line += ' uid=%d' % o.uid
    out.append(line)
    for k in sorted(sd.environment):
        out.append('supervisord env %r=%r' % (k, sd.environment[k]))
    for c in o.server_configs:
        line = 'server %r' % c['section']
        if 'file' in c:
            line += ' unix file=%r chmod=%o chown=%d:%d' % (c['file'], c['chmod'] & 0o7777,
                                                            c['chown'][0], c['chown'][1])
        else:
            line += ' inet host=%r port=%d' % (c['host'], c['port'])
        line += ' username=%s password=%s' % (
            'none' if c['username'] is None else repr(c['username']),
            'none' if c['password'] is None else repr(c['password']))
        out.append(line)
    out.append('serverurl %s' % ('none' if o.serverurl is None else repr(o.serverurl)))
    for name, factory, extras in o.rpcinterface_factories:
        out.append('rpcinterface %r %s:%s' % (name, factory.__module__, factory.__name__))
    for g in o.process_group_configs:
        if isinstance(g, options.EventListenerPoolConfig):
            kind = 'listener'
        elif isinstance(g, options.FastCGIGroupConfig):
            kind = 'fcgi'
        else:
            kind = 'process'
        line = 'group %r priority=%d kind=%s' % (g.name, g.priority, kind)
        if kind == 'listener':
            names = sorted(events.getEventNameByType(e) for e in g.pool_events)
            line += ' buffer_size=%d result_handler=%s:%s events=%s' % (
                g.buffer_size, g.result_handler.__module__, g.result_handler.__name__,
                ','.join(names))
        if kind == 'fcgi':
            line += ' socket=%r' % g.socket_config.url
        out.append(line)
        for p in g.process_configs:
            out.append('  process %r command=%r' % (p.name, p.command))
            ar = {datatypes.RestartUnconditionally: 'true', False: 'false',
                  datatypes.RestartWhenExitUnexpected: 'unexpected'}[p.autorestart]
            out.append('    priority=%d autostart=%s autorestart=%s startsecs=%d startretries=%d'
                       % (p.priority, b(p.autostart), ar, p.startsecs, p.startretries))
            out.append('    stopsignal=%d stopwaitsecs=%d stopasgroup=%s killasgroup=%s '
                       'exitcodes=%s redirect_stderr=%s'
                       % (p.stopsignal, p.stopwaitsecs, b(p.stopasgroup), b(p.killasgroup),
                          ','.join(str(x) for x in p.exitcodes), b(p.redirect_stderr)))
            out.append('    uid=%s directory=%s umask=%s serverurl=%s' % (
                'none' if p.uid is None else p.uid,
                'none' if p.directory is None else repr(p.directory),
                'none' if p.umask is None else '%o' % (p.umask & 0o777),
                'none' if p.serverurl is None else repr(p.serverurl)))
            out.append(log_line('stdout', p))
            out.append(log_line('stderr', p))
            for k in sorted(p.environment or {}):
                out.append('    env %r=%r' % (k, p.environment[k]))
    for w in o.parse_warnings:
        out.append('WARN %s' % w)
    for i in o.parse_infos:
        out.append('INFO %s' % i)
    return '\n'.join(out) + '\n'


def supervisord_view(path, args):
    """('ok', summary) or ('error', message) or ('crash', text)."""
    from supervisor.options import ServerOptions
    o = ServerOptions()

    def usage(msg):
        raise Usage(str(msg))
    o.usage = usage
    o.stderr = io.StringIO()
    try:
        o.realize(['-c', path] + args)
    except Usage as e:
        return 'error', str(e)
    except Exception as e:     # supervisord would print a traceback
        return 'crash', '%s: %s' % (type(e).__name__, e)
    try:
        return 'ok', summary(o)
    except Exception as e:     # accepted, but with a value refd cannot hold
        return 'ok', 'accepted; no summary (%s: %s)\n' % (type(e).__name__, e)


CLI_MAP = {'-u': '--user', '-l': '--logfile', '-j': '--pidfile', '-q': '--childlogdir',
           '-e': '--loglevel', '-m': '--umask', '-n': '--nodaemon'}


def first_line(path):
    with open(path, 'rb') as f:
        return f.readline().decode('utf-8', 'replace')


def conf_args(path):
    first = first_line(path)
    if first.startswith('; args:'):
        return first[len('; args:'):].split()
    return []


def refd_view(conf_dump, path, args):
    cargs = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == '-n':
            cargs.append('--nodaemon')
            i += 1
        else:
            cargs += [CLI_MAP[a], args[i + 1]]
            i += 2
    r = subprocess.run([conf_dump, '--first-message'] + cargs + [path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = r.stdout.decode('utf-8', 'surrogateescape')
    if r.returncode == 0:
        return 'ok', out
    if r.returncode == 2 and out.startswith('ERROR\n'):
        return 'error', out[len('ERROR\n'):].rstrip('\n')
    return 'crash', 'exit %d: %s%s' % (r.returncode, out, r.stderr.decode('utf-8', 'replace'))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 1
    conf_dump, directory = os.path.abspath(sys.argv[1]), sys.argv[2]
    try:
        import supervisor.options  # noqa: F401
    except ImportError as e:
        print('FAIL: supervisord\'s Python package is not importable (%s); '
              'install Debian\'s "supervisor" package' % e)
        return 1
    install_twiddler_stub()
    os.chdir(directory)
    names = sys.argv[3:] or sorted(n for n in os.listdir('.') if n.endswith('.conf'))
    failures = 0
    for name in names:
        args = conf_args(name)
        s_kind, s_text = supervisord_view(name, args)
        r_kind, r_text = refd_view(conf_dump, name, args)
        differs = first_line(name)
        if differs.startswith('; differs:'):
            why = differs[len('; differs:'):].strip()
            if s_kind == 'ok' and r_kind == 'error':
                print('ok     %s: deliberate difference (%s): refd rejects: %s'
                      % (name, why, r_text.splitlines()[0]))
            else:
                failures += 1
                print('FAIL   %s: a deliberate difference (%s) expects supervisord to accept and '
                      'refd to reject; supervisord %s, refd %s' % (name, why, s_kind, r_kind))
            continue
        if s_kind == 'crash':
            verdict = 'reject' if r_kind == 'error' else 'DIFFER'
            note = 'supervisord crashes (%s); refd %s' % (s_text.splitlines()[0], r_kind)
            if r_kind != 'error':
                failures += 1
            print('%-6s %s: %s' % ('ok' if verdict == 'reject' else 'FAIL', name, note))
            continue
        if s_kind == r_kind and s_text == r_text:
            first = s_text.splitlines()[0] if s_text else ''
            print('ok     %s: both %s%s' % (name, 'accept' if s_kind == 'ok' else 'reject',
                                            '' if s_kind == 'ok' else ': ' + first))
            continue
        failures += 1
        print('FAIL   %s: supervisord %s, refd %s' % (name, s_kind, r_kind))
        sl, rl = s_text.splitlines(), r_text.splitlines()
        for i in range(max(len(sl), len(rl))):
            a = sl[i] if i < len(sl) else '<none>'
            c = rl[i] if i < len(rl) else '<none>'
            if a != c:
                print('    supervisord: %s' % a)
                print('    refd:        %s' % c)
                break
    print('%d configs, %d differ' % (len(names), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
