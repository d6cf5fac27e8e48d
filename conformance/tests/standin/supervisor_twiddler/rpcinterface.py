"""Test-only stand-in for the twiddler namespace, used by refd-conform's
ctest to replay the seed README end to end against Debian's supervisord.
It implements the calls the README makes, from shared/spec/twiddler.md; it
is not the reference for the namespace (refd is)."""

from supervisor.options import ProcessGroupConfig, UnhosedConfigParser
from supervisor.xmlrpc import Faults, RPCError


class StandinTwiddler:
    def __init__(self, supervisord):
        self.supervisord = supervisord

    def getAPIVersion(self):
        """ @return string version """
        return '0.1'

    def getGroupNames(self):
        """ @return array names """
        return list(self.supervisord.process_groups.keys())

    def addGroup(self, name, priority):
        """ @param string name @param integer priority @return boolean ok """
        if name in self.supervisord.process_groups:
            raise RPCError(Faults.BAD_NAME, name)
        try:
            prio = int(priority)
        except (TypeError, ValueError) as e:
            raise RPCError(Faults.INCORRECT_PARAMETERS, str(e))
        # active only: the stored config does not learn of it
        config = ProcessGroupConfig(self.supervisord.options, name, prio, [])
        self.supervisord.process_groups[name] = config.make_group()
        return True

    def addProgramToGroup(self, group_name, program_name, program_options):
        """ @param string group @param string program @param struct options
        @return boolean ok """
        group = self.supervisord.process_groups.get(group_name)
        if group is None:
            raise RPCError(Faults.BAD_NAME, 'group: %s' % group_name)
        if not isinstance(program_options, dict):
            raise RPCError(Faults.INCORRECT_PARAMETERS)
        parser = UnhosedConfigParser()
        section = 'program:%s' % program_name
        parser.add_section(section)
        for key, value in program_options.items():
            parser.set(section, key, str(value))
        options = self.supervisord.options
        try:
            configs = options.processes_from_section(parser, section, group_name)
        except ValueError as e:
            raise RPCError(Faults.INCORRECT_PARAMETERS, str(e))
        for config in configs:
            if config.name in group.processes:
                raise RPCError(Faults.BAD_NAME, config.name)
        for config in configs:
            group.config.process_configs.append(config)
            config.create_autochildlogs()
            group.processes[config.name] = config.make_process(group)
        return True


def make_twiddler_rpcinterface(supervisord, **config):
    return StandinTwiddler(supervisord)
