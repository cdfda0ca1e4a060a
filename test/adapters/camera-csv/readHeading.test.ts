import { readHeading } from '../../../adapters/camera-csv/readCameraCells';

describe('readHeading', () => {
  it.each([
    ['262.2', 262.2],
    ['-90', 270],
    ['360', 0],
    ['45°', 45],
    ['NE', 45],
  ])('reads %s as %d exactly', (text, degrees) => {
    expect(readHeading(text)).toEqual(expect.objectContaining({ ok: true, value: degrees }));
  });
});
