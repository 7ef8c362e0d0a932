import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { roles, type Role } from '../lib/access';
import { UserStore } from '../server/auth/users';

/**
 * Local users of a gateway's state directory: `npm run users -- add <name> <role>` (password from
 * STREAMWATCH_USER_PASSWORD, else generated and printed once), `remove <name>`, `list`. Running
 * gateways pick the change up at the next sign-in.
 */
const usage = `usage: npm run users -- add <name> <${roles.join('|')}> | remove <name> | list   [--state-dir DIR]
  DIR defaults to $STATE_DIR, else .streamwatch/gateway (the local stack's is .streamwatch/gateway too)`;
const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'state-dir': { type: 'string' } } });
const stateDir = values['state-dir'] ?? process.env.STATE_DIR ?? '.streamwatch/gateway';
const [command, name, role] = positionals;
const store = await UserStore.open(`${stateDir}/users.json`);

try {
  if (command === 'list') {
    for (const u of store.list()) console.log(`${u.name}\t${u.role}`);
  } else if (command === 'add' && name && role && (roles as readonly string[]).includes(role)) {
    const password = process.env.STREAMWATCH_USER_PASSWORD ?? randomBytes(12).toString('base64url');
    await store.put(name, role as Role, password);
    console.log(`${name} (${role}) saved in ${stateDir}/users.json${process.env.STREAMWATCH_USER_PASSWORD ? '' : `; password: ${password}`}`);
  } else if (command === 'remove' && name) {
    console.log((await store.remove(name)) ? `${name} removed` : `no user ${name}`);
  } else {
    console.error(usage);
    process.exit(2);
  }
} catch (err) {
  console.error(`users: ${(err as Error).message}`);
  process.exit(1);
}
