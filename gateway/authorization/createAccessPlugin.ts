import type { ApolloServerPlugin } from '@apollo/server';
import type { ExecutionResult } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
import type { AccessControl } from './createAccessControl';

/**
 * Apollo Server plugin that applies access control to queries and mutations: decided once the
 * operation is resolved (refusing it outright where createAccessControl says so, or where the
 * stated purpose may not stand), applied to the response before it is sent.
 */
export function createAccessPlugin(access: AccessControl): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { contextValue } = requestContext;
          if (contextValue.purposeRefused) throw contextValue.purposeRefused;
          // The caller is authenticated by now, so only a caller's purpose can make the gateway ask CAD.
          await access.confirmPurpose(contextValue.purpose);
          const checked = access.check(requestContext.document, requestContext.operationName, contextValue);
          contextValue.access = checked;
        },
        async willSendResponse(requestContext) {
          const { response, contextValue } = requestContext;
          const checked = contextValue.access;
          if (!checked || response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          const applied = access.apply(singleResult as ExecutionResult, checked);
          if (applied.result === singleResult) return;
          singleResult.data = applied.result.data as typeof singleResult.data;
          if (applied.result.errors) singleResult.errors = applied.result.errors as unknown as typeof singleResult.errors;
          contextValue.restrictedReturned = applied.restrictedReturned;
        },
      };
    },
  };
}
