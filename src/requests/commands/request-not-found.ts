import { Refusal } from '../../refusal.js';

/** No request has this id (404): every command on one request says so the same way. */
export class RequestNotFound extends Refusal {
  override readonly name = 'RequestNotFound';
  constructor(readonly requestId: string) {
    super('NOT_FOUND', `No request ${requestId}.`);
  }
}
