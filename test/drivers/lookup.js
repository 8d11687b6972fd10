// Lookups by address with node-postgres: untyped parameters, and $1::text
// as many applications write. Each must find the row and use the index.
// Prints one "name|result|plan" line per case.
const { Client } = require('pg');

async function main() {
  const client = new Client();
  await client.connect();
  await client.query('SET enable_seqscan = off');
  for (const [name, marker] of [['node-postgres $1', '$1'], ['node-postgres $1::text', '$1::text']]) {
    const found = await client.query(`SELECT id FROM driver_subs WHERE email = ${marker}`, ['Driver.Lookup@EXAMPLE.com']);
    const plan = await client.query(`EXPLAIN (COSTS OFF) SELECT id FROM driver_subs WHERE email = ${marker}`,
                                    ['driver.lookup@example.com']);
    const index = plan.rows.some((row) => row['QUERY PLAN'].includes('Index'));
    console.log(`${name}|${found.rows.length ? found.rows[0].id : null}|${index}`);
  }
  await client.end();
}

main().catch((error) => { console.error(error.message); process.exit(1); });
