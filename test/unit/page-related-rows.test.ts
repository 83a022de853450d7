import { noteRelated, type RelatedRows } from '../../src/api/services/rows';
import type { ClientIpType, FolderType } from '../../src/api/graphql/types/entities.type';

/** A page's rows carry their folder and client IP columns only where those change (ACCESS_PAGE_SELECT). */
describe('noteRelated on the rows of a page', () => {
  function relatedRows() {
    const folders = new Map<string, FolderType>();
    const ips = new Map<string, ClientIpType>();
    const related: RelatedRows = {
      folder: (f) => folders.set(f.id, f),
      clientIp: (c) => ips.set(c.id, c),
      has: (kind, id) => (kind === 'folder' ? folders.has(id) : ips.has(id)),
      knownFolder: (id) => folders.get(id),
    };
    return { related, folders, ips };
  }
  const ip = (id: string, address: string | null) =>
    address === null
      ? { client_ip_id: id, c_address: null, c_version: null, c_first_seen: null, c_last_seen: null, c_record_count: null }
      : { client_ip_id: id, c_address: address, c_version: 4, c_first_seen: '2025-02-19 01:00:00+00', c_last_seen: '2025-02-19 02:00:00+00', c_record_count: '3' };

  it('a row without its folder columns shares the folder an earlier row handed over; IPs are handed over once', () => {
    const { related, folders, ips } = relatedRows();
    const rows = [
      { folder_id: '1', mailbox_id: '9', f_folder_key: 'k1', f_path: '\\Inbox', ...ip('5', '203.0.113.10') },
      { folder_id: '1', mailbox_id: '9', f_folder_key: null, f_path: null, ...ip('5', null) },
      { folder_id: '2', mailbox_id: '9', f_folder_key: 'k2', f_path: '\\Sent', ...ip('5', null) },
      { folder_id: '2', mailbox_id: '9', f_folder_key: null, f_path: null, ...ip('6', '198.51.100.23') },
      { folder_id: '1', mailbox_id: '9', f_folder_key: 'k1', f_path: '\\Inbox', ...ip('6', null) },
    ];
    const shared = rows.map((r) => noteRelated(r, related));
    expect(shared.map((f) => f?.path)).toEqual(['\\Inbox', '\\Inbox', '\\Sent', '\\Sent', '\\Inbox']);
    expect(shared[1]).toBe(shared[0]);
    expect(shared[4]).toBe(shared[0]);
    expect(shared[3]).toBe(shared[2]);
    expect([...folders.keys()]).toEqual(['1', '2']);
    expect([...ips.values()].map((c) => [c.id, c.address, c.recordCount])).toEqual([
      ['5', '203.0.113.10', 3],
      ['6', '198.51.100.23', 3],
    ]);
  });

  it('rows of other statements (folder always joined, or no folder at all) are read as before', () => {
    const { related } = relatedRows();
    expect(noteRelated({ folder_id: '1', mailbox_id: '9', f_folder_key: 'k1', f_path: 'p' }, related)?.folderKey).toBe('k1');
    expect(noteRelated({ id: '7' }, related)).toBeUndefined();
  });
});
