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

With --random N SEED, the configs are not read from DIR but generated: N
random configs (valid and broken values, comment and continuation
quirks, [DEFAULT], includes, CRLF) and N/4 files with undecodable bytes
around Python's 8192-byte read boundaries, all in a temporary directory.

usage: conf_differential.py CONF_DUMP DIR [NAME...]
       conf_differential.py CONF_DUMP --random N SEED
"""
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
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


# ---- random configs ------------------------------------------------------

class Gen:
    """Random supervisord.conf text: real option names with values drawn
    from lists of valid and invalid ones, plus syntax noise."""
    INTS = ['0', '1', '-1', '10', ' 5', '1_000', '007', 'abc', '', '1.5', '0x10', '\u0663', '+3', '1__0']
    BOOLS = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0', 'TRUE', 'Yes', 'maybe', '', 'tru']
    BYTES = ['50MB', '10kb', '1GB', '0', '1024', '50M', '10MiB', '1.5MB', '100B', '5 MB', '-1MB', 'kb', 'mb', 'Kb', 'x']
    OCT = ['022', '0o22', '8', '0x1', '777', '0O7', '-7', '', 'abc', '0o_7', '1_0']
    SIGS = ['TERM', 'term', 'SIGTERM', 'sigkill', 'HUP', ' int ', '9', '15', '32', '0', '64', '65', 'FOO', 'RTMIN',
            'RTMIN+1', 'SIG_DFL', 'IOT', '-1', '']
    EXIT = ['0', '0,2', '1, 2 ,3', '', '256', '1,', 'a', '-1', '255', '0,,1']
    LEVELS = ['info', 'INFO', 'warn', 'warning', 'debug', 'trace', 'blather', 'critical', 'error', 'crit', '']
    AR = ['true', 'false', 'unexpected', 'UNEXPECTED', 'sometimes', 'yes', '1', '']
    ENVS = ['A=1', 'A="x y",B=2', "A='q,r'", 'A=1,', 'A=1;B=2', 'A=1 B=2', 'A=1,,B=2', 'E=', 'E=""', 'A=1,B=2 3',
            'A=$HOME', 'A=x*y', 'N=a=b', 'M=x\\y', 'A=caf\u00e9', 'A="unterminated', 'S=foo#bar', 'A=%(ENV_HOME)s',
            'A=%(here)s', 'A=%(program_name)s', 'P=%(process_num)d', 'A=100%%', 'A=100%', 'K%(process_num)d=v',
            'PATH="/x:%(ENV_PATH)s"', 'K%(process_num)d="%(ENV_K0)s"']
    NAMES = ['web', 'a b', 'a:b', 'a/b', ' sp ', 'x', 'web2', 'caf\u00e9']
    CMDS = ['/bin/cat', 'cat %(program_name)s', '/bin/echo %(process_num)02d', 'echo %(ENV_HOME)s', 'x %(nosuch)s',
            'x 100%', 'x %%h', "bash -c 'a ; b'", 'x ;comment', 'x;y', '', 'echo %(host_node_name)s %(group_name)s',
            'x %(numprocs)d', 'x %(process_num)s', 'x %(program_name)d', 'x %(here)r', 'x %(process_num)5.2f',
            'x %(ENV_K0)s %(ENV_PATH)s']
    PNAMES = ['%(program_name)s', '%(program_name)s_%(process_num)02d', 'fixed', '%(program_name)s-%(process_num)d',
              'a b', '%(process_num)', 'x%(nosuch)s', '%(group_name)s_%(process_num)s']
    LOGS = ['AUTO', 'auto', 'NONE', 'off', 'syslog', '/tmp/x.log', '/nonexistent/x.log', '%(here)s/o.log', 'rel.log',
            '/tmp/100%%.log', '/tmp/100%%%%.log', '/tmp/%(program_name)s-%(process_num)d.log']
    USERS = ['root', 'nobody', '0', '65534', 'nosuchuser', '99999', '-1', 'daemon']
    PORTS = ['9001', '127.0.0.1:9001', ':9001', '*:9001', 'localhost:0', 'host:', 'abc', 'h:70000', '70000', 'h:abc', ' 9001']
    EVENTS = ['PROCESS_STATE', 'TICK_5', 'tick_60,PROCESS_LOG', 'EVENT', 'NOPE', '', ',',
              'PROCESS_STATE_RUNNING, process_state_exited', 'TICK_5,TICK_5']
    SOCKS = ['unix:///tmp/x.sock', 'unix://rel.sock', 'tcp://localhost:9002', 'tcp://h:0', 'tcp://h:70000', 'tcp://:1',
             'bad', 'unix:///tmp/%(program_name)s.sock', '']

    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, *a):
        return self.r.choice(a)

    def opt(self, k, v):
        sep = self.pick('=', ' = ', ':', ' : ', '=  ')
        tail = self.pick('', '', '', ' ;comment', ' #c', ';notcomment', '\t; tab comment')
        return '%s%s%s%s' % (k, sep, v, tail)

    def program(self, kind):
        p, R = self.pick, self.r
        lines = []
        if R.random() < 0.9:
            lines.append(self.opt('command', p(*self.CMDS)))
        table = [('numprocs', p('1', '2', '3', '0', '-1', 'x')), ('numprocs_start', p('0', '5', '-2')),
                 ('process_name', p(*self.PNAMES)), ('priority', p(*self.INTS)), ('autostart', p(*self.BOOLS)),
                 ('autorestart', p(*self.AR)), ('startsecs', p(*self.INTS)), ('startretries', p(*self.INTS)),
                 ('exitcodes', p(*self.EXIT)), ('stopsignal', p(*self.SIGS)), ('stopwaitsecs', p(*self.INTS)),
                 ('stopasgroup', p(*self.BOOLS)), ('killasgroup', p(*self.BOOLS)), ('user', p(*self.USERS)),
                 ('redirect_stderr', p(*self.BOOLS)), ('stdout_logfile', p(*self.LOGS)),
                 ('stdout_logfile_maxbytes', p(*self.BYTES)), ('stdout_logfile_backups', p(*self.INTS)),
                 ('stdout_capture_maxbytes', p(*self.BYTES)), ('stdout_events_enabled', p(*self.BOOLS)),
                 ('stdout_syslog', p(*self.BOOLS)), ('stderr_logfile', p(*self.LOGS)),
                 ('stderr_logfile_maxbytes', p(*self.BYTES)), ('stderr_syslog', p(*self.BOOLS)),
                 ('environment', p(*self.ENVS)), ('directory', p('/tmp', '%(here)s', '/nonexistent', '%(ENV_HOME)s')),
                 ('umask', p(*self.OCT)), ('serverurl', p('AUTO', 'auto', ' AUTO ', 'http://x:1', 'unix:///x', ''))]
        if kind == 'eventlistener':
            table += [('events', p(*self.EVENTS)), ('buffer_size', p('10', '0', '-1', 'x', '1')),
                      ('result_handler', p('supervisor.dispatchers:default_handler',
                                           'supervisor_twiddler.resulthandler:stdin_write_handler', 'nosuch:x', 'bad spec'))]
        if kind == 'fcgi-program':
            table += [('socket', p(*self.SOCKS)), ('socket_backlog', p('1', '0', '65536', '128', 'x')),
                      ('socket_owner', p('root', 'root:root', 'nosuch', 'nobody:nogroup')),
                      ('socket_mode', p('0700', '0o600', '9', 'x'))]
        R.shuffle(table)
        for k, v in table:
            if R.random() < 0.25:
                lines.append(self.opt(k, v))
        return lines

    def config(self):
        p, R = self.pick, self.r
        out, secs = [], []
        if R.random() < 0.15:
            out.append('[DEFAULT]')
            out.append(self.opt(p('autostart', 'startsecs', 'priority', 'stopsignal', 'environment', 'foo'),
                                p('false', '2', 'x', 'KILL', 'A=1', '%(here)s')))
        if R.random() < 0.95:
            sd = ['[supervisord]']
            for k, v in [('logfile', p('/tmp/sd.log', '%(here)s/sd.log', '/nonexistent/x.log', 'syslog', 'NONE')),
                         ('loglevel', p(*self.LEVELS)), ('umask', p(*self.OCT)), ('logfile_maxbytes', p(*self.BYTES)),
                         ('minfds', p(*self.INTS)), ('nodaemon', p(*self.BOOLS)),
                         ('childlogdir', p('/tmp', '/nonexistent', '%(here)s')), ('environment', p(*self.ENVS)),
                         ('identifier', p('sup', '%(ENV_HOME)s', '%(host_node_name)s')), ('user', p(*self.USERS)),
                         ('directory', p('/tmp', '/nonexistent'))]:
                if R.random() < 0.2:
                    sd.append(self.opt(k, v))
            secs.append(sd)
        for _ in range(R.randint(0, 4)):
            kind = p('program', 'program', 'program', 'eventlistener', 'fcgi-program', 'group')
            s = ['[%s:%s]' % (kind, p(*self.NAMES))]
            if kind == 'group':
                s.append(self.opt('programs', p('web', 'web,x', 'nosuch', 'web, web2', '')))
                if R.random() < 0.3:
                    s.append(self.opt('priority', p(*self.INTS)))
            else:
                s += self.program(kind)
            secs.append(s)
        if R.random() < 0.3:
            secs.append(['[inet_http_server]', self.opt('port', p(*self.PORTS))]
                        + ([self.opt('username', 'u')] if R.random() < 0.3 else [])
                        + ([self.opt('password', 'p')] if R.random() < 0.3 else []))
        if R.random() < 0.3:
            secs.append(['[unix_http_server]']
                        + ([self.opt('file', p('/tmp/x.sock', '%(here)s/s.sock', ' rel.sock '))] if R.random() < 0.9 else [])
                        + ([self.opt('chmod', p(*self.OCT))] if R.random() < 0.3 else [])
                        + ([self.opt('chown', p('root', 'root:root', 'nosuch', 'nobody:nosuch'))] if R.random() < 0.3 else []))
        if R.random() < 0.3:
            secs.append(['[rpcinterface:%s]' % p('supervisor', 'twiddler', 'x'),
                         self.opt('supervisor.rpcinterface_factory',
                                  p('supervisor.rpcinterface:make_main_rpcinterface',
                                    'supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface', 'nosuch:x', 'a b'))])
        R.shuffle(secs)
        for s in secs:
            out += s
        if R.random() < 0.1:
            out.insert(R.randint(1, len(out)) if out else 0,
                       p('bogus line', '=x', '  continued', '[', '[]', ';c', '', '   ', 'autostart'))
        if R.random() < 0.1:
            out.insert(R.randint(0, len(out)) if out else 0, '    ' + p('more', 'B=2', '[program:zz]'))
        for _ in range(R.randint(0, 3)):
            if not out:
                break
            i = R.randint(0, len(out) - 1)
            k = R.random()
            if k < 0.15:
                out[i] = out[i].upper() if '=' in out[i] and not out[i].startswith('[') else out[i]
            elif k < 0.3:
                out[i] = '\u00a0' + out[i]
            elif k < 0.4:
                out[i] = out[i] + p(' ;a #b', ';a ;b', '#x ;y', ' \u3000;c', '\u00a0#d')
            elif k < 0.5:
                out.insert(i, '')
            elif k < 0.6:
                out.insert(i, p('  ', '\t', '\t; comment', ' # c'))
            elif k < 0.7:
                out.insert(i, '[%s]' % p('supervisord', 'DEFAULT', 'program:web', ' program:web ', 'Program:x',
                                          'SUPERVISORD', 'inet_http_server:a', 'unix_http_serverx', 'a]b]', 'include'))
            elif k < 0.8:
                out[i] = out[i].replace('=', p(':', ' = ', '= ', '\t=\t'), 1)
            elif k < 0.9:
                out.insert(i, '  ' + p('continued', '', 'x=1'))
            else:
                out.insert(i, p('files = nosuch/*.conf', 'files=inc/*.conf',
                                'files = %(here)s/inc/a.conf inc/b*.conf', 'files='))
        nl = p('\n', '\n', '\r\n', '\r')
        return nl.join(out) + p(nl, '', nl + nl)

    BADS = [b'\xe9', b'\x80', b'\xc3', b'\xe2\x82', b'\xed\xa0\x80', b'\xf0\x90', b'\xf4\x90\x80\x80',
            b'\xc0\xaf', b'\xe0\x80\x80', b'\xff', b'\xf0\x9f\x98', b'\xe2\x82\xac', b'\xf0\x9f\x98\x80',
            b'\xc3\xa9', b'\xed\xa0']

    def undecodable(self):
        R = self.r
        lines = [b'oops no section'] if R.random() < 0.2 else []
        lines.append(b'[supervisord]')
        for k in range(R.choice([5, 50, 500, 2000])):
            lines.append(R.choice([b'; comment line with some text to pad things out', b'[program:p%d]' % k,
                                   b'command=/bin/cat', b'autostart=true', b'bogus']))
        data = bytearray(b'\n'.join(lines) + b'\n')
        for _ in range(R.randint(0, 2)):
            pos = R.choice([R.randrange(len(data)), 8192 + R.randint(-4, 4), 16384 + R.randint(-3, 3), len(data)])
            pos = max(0, min(len(data), pos))
            data[pos:pos] = R.choice(self.BADS)
        if R.random() < 0.2:
            data += R.choice(self.BADS)
        return bytes(data)


def generate(directory, n, seed):
    g = Gen(seed)
    os.makedirs(os.path.join(directory, 'inc'))
    with open(os.path.join(directory, 'inc', 'a.conf'), 'w') as f:
        f.write('[program:inc_a]\ncommand=/bin/a %(here)s\n[DEFAULT]\nstartsecs=3\n')
    with open(os.path.join(directory, 'inc', 'b1.conf'), 'w') as f:
        f.write('[program:inc_b]\ncommand=/bin/b\nstdout_logfile=%(here)s/b.log\n[include]\nfiles=nothing\n')
    with open(os.path.join(directory, 'inc', 'b2.conf'), 'w') as f:
        f.write('bogus\n[x]\n')
    for i in range(n):
        with open(os.path.join(directory, 'r%05d.conf' % i), 'w', encoding='utf-8', newline='') as f:
            f.write(g.config())
    for i in range(n // 4):
        with open(os.path.join(directory, 'u%05d.conf' % i), 'wb') as f:
            f.write(g.undecodable())


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
    tmp = None
    quiet = False
    if directory == '--random':
        tmp = directory = tempfile.mkdtemp(prefix='refd-conf-random-')
        generate(tmp, int(sys.argv[3]), int(sys.argv[4]))
        sys.argv[3:] = []
        quiet = True
    os.chdir(directory)
    try:
        return compare(conf_dump, sys.argv[3:] or sorted(n for n in os.listdir('.') if n.endswith('.conf')),
                       quiet)
    finally:
        if tmp:
            os.chdir('/')
            shutil.rmtree(tmp)


def compare(conf_dump, names, quiet):
    failures = 0
    for name in names:
        args = conf_args(name)
        s_kind, s_text = supervisord_view(name, args)
        r_kind, r_text = refd_view(conf_dump, name, args)
        differs = first_line(name)
        if differs.startswith('; differs:'):
            why = differs[len('; differs:'):].strip()
            if s_kind == 'ok' and r_kind == 'error':
                if not quiet:
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
            if verdict != 'reject' or not quiet:
                print('%-6s %s: %s' % ('ok' if verdict == 'reject' else 'FAIL', name, note))
            continue
        if s_kind == r_kind and s_text == r_text:
            first = s_text.splitlines()[0] if s_text else ''
            if not quiet:
                print('ok     %s: both %s%s' % (name, 'accept' if s_kind == 'ok' else 'reject',
                                            '' if s_kind == 'ok' else ': ' + first))
            continue
        failures += 1
        print('FAIL   %s: supervisord %s, refd %s' % (name, s_kind, r_kind))
        if quiet:   # a generated file: show it, it is gone afterwards
            with open(name, 'rb') as f:
                print('    config: %r' % f.read()[:4000])
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
